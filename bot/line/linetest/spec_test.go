package linetest

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestFindSpec(t *testing.T) {
	path, err := findSpec()
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(path) != "messaging-api.yml" {
		t.Errorf("found %s", path)
	}

	missing := filepath.Join(t.TempDir(), "nope.yml")
	t.Setenv(SpecEnv, missing)
	if _, err := findSpec(); err == nil || !strings.Contains(err.Error(), SpecEnv) {
		t.Errorf("with %s=%s: %v, want an error naming the variable", SpecEnv, missing, err)
	}
	t.Setenv(SpecEnv, path)
	if got, err := findSpec(); err != nil || got != path {
		t.Errorf("with %s set: %s, %v", SpecEnv, got, err)
	}

	t.Setenv(SpecEnv, "")
	t.Chdir(t.TempDir())
	if _, err := findSpec(); err == nil || !strings.Contains(err.Error(), "no go.mod") || !strings.Contains(err.Error(), SpecEnv) {
		t.Errorf("outside the module: %v, want an error saying where it looked and naming %s", err, SpecEnv)
	}
}

// The spec's polymorphism (allOf subtypes under a discriminated base) must reach kin-openapi as oneOf, or a
// message would be checked against the base alone.
func TestSpecChecksSubtypes(t *testing.T) {
	sp, err := messagingSpec()
	if err != nil {
		t.Fatal(err)
	}
	items := sp.doc.Paths.Value("/v2/bot/message/push").Post.RequestBody.Value.Content.Get("application/json").Schema.Value.Properties["messages"].Value.Items.Value
	if len(items.OneOf) < 10 || items.Discriminator == nil {
		t.Errorf("push messages are checked against %d subtypes, want every message type", len(items.OneOf))
	}
}
