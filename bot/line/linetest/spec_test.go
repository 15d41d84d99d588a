package linetest

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The fake needs nothing outside the repository, and $LINE_OPENAPI_SPEC swaps in another spec or says
// clearly that it is missing.
func TestSpecData(t *testing.T) {
	t.Setenv(SpecEnv, "")
	name, data, err := specData()
	if err != nil || !bytes.Equal(data, messagingAPI) || len(data) == 0 {
		t.Fatalf("without %s: %s, %d bytes, %v; want the built-in copy", SpecEnv, name, len(data), err)
	}

	missing := filepath.Join(t.TempDir(), "nope.yml")
	t.Setenv(SpecEnv, missing)
	if _, _, err := specData(); err == nil || !strings.Contains(err.Error(), SpecEnv) {
		t.Errorf("with %s=%s: %v, want an error naming the variable", SpecEnv, missing, err)
	}

	other := filepath.Join(t.TempDir(), "messaging-api.yml")
	if err := os.WriteFile(other, []byte("openapi: 3.0.0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(SpecEnv, other)
	if name, data, err := specData(); err != nil || name != other || string(data) != "openapi: 3.0.0\n" {
		t.Errorf("with %s=%s: %s, %q, %v; want that file", SpecEnv, other, name, data, err)
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
