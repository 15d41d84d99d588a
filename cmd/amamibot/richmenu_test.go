package main

import (
	"strings"
	"testing"

	"github.com/amamibot/amamibot/bot/line/linetest"
)

// The command as an operator runs it; what apply does to LINE is tested in
// bot/line.
func TestRichmenuApply(t *testing.T) {
	fake := linetest.NewServer(t)
	// Only the token and the endpoint: no secret, no store needed.
	e := env{"LINE_CHANNEL_ACCESS_TOKEN": fake.Token, "LINE_API_BASE_URL": fake.URL}
	for i := range 2 {
		out, stderr, err := amamibot(t, e, "richmenu", "apply")
		if err != nil {
			t.Fatalf("apply %d: %v\n%s", i+1, err, stderr)
		}
		if menus := fake.RichMenus(); len(menus) != 1 || fake.DefaultRichMenu() != menus[0].ID || !strings.Contains(out, menus[0].ID) {
			t.Errorf("apply %d said %q; menus %d, default %q", i+1, out, len(menus), fake.DefaultRichMenu())
		}
	}

	for _, c := range []struct {
		name string
		env  env
		args []string
		want string
	}{
		{"no token", env{"LINE_API_BASE_URL": fake.URL}, []string{"richmenu", "apply"}, "LINE_CHANNEL_ACCESS_TOKEN is not set"},
		{"bad token", e.with("LINE_CHANNEL_ACCESS_TOKEN", "revoked"), []string{"richmenu", "apply"}, "LINE rejected the channel access token"},
		{"bad base URL", e.with("LINE_API_BASE_URL", "api.line.me"), []string{"richmenu", "apply"}, "LINE_API_BASE_URL"},
		{"no subcommand", e, []string{"richmenu"}, "richmenu apply"},
	} {
		before := fake.RichMenus()
		if _, _, err := amamibot(t, c.env, c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error saying %q", c.name, err, c.want)
		}
		if after := fake.RichMenus(); len(after) != 1 || after[0].ID != before[0].ID {
			t.Errorf("%s changed the menus: %d, want the one from before", c.name, len(after))
		}
	}
	fake.TakeRejections() // the bad token's
}
