package main

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/amamibot/amamibot/store/storetest"
)

// Secrets the configuration tests set: none may appear in an error or a log.
const (
	secretValue   = "s3cret-must-not-leak"
	tokenValue    = "t0ken-must-not-leak"
	dbPassword    = "pg-pw-must-not-leak"
	redisPassword = "redis-pw-must-not-leak"
)

var secrets = []string{secretValue, tokenValue, dbPassword, redisPassword}

func TestLoadConfigDefaults(t *testing.T) {
	c, err := loadConfig(env{}.getenv)
	if err != nil {
		t.Fatalf("an empty environment: %v, want the embedded defaults", err)
	}
	if c.Addr != ":8080" || c.DataDir != "./data" || c.DatabaseURL != "" || c.LineAPIBase != "https://api.line.me" ||
		c.Loc.String() != "Asia/Tokyo" || c.lineEnabled() || c.RiverWorkers != 50 {
		t.Errorf("defaults %+v, want :8080, ./data, the embedded store, https://api.line.me, Asia/Tokyo, no LINE, 50 job workers", c)
	}
	// Postgres needs no Redis.
	if c, err := loadConfig(env{"DATABASE_URL": "postgres://db:5432/amamibot"}.getenv); err != nil || c.DatabaseURL == "" {
		t.Errorf("DATABASE_URL alone: %v, want Postgres", err)
	}

	full := env{
		"ADDR": "127.0.0.1:9000", "DATA_DIR": "/var/lib/amamibot",
		"DATABASE_URL": "postgres://amami:" + dbPassword + "@db:5432/amamibot", "REDIS_URL": "redis://:" + redisPassword + "@cache:6379/1",
		"LINE_CHANNEL_SECRET": secretValue, "LINE_CHANNEL_ACCESS_TOKEN": tokenValue,
		"LINE_API_BASE_URL": "http://127.0.0.1:8081", "TZ_DISPLAY": "UTC",
	}
	c, err = loadConfig(full.getenv)
	if err != nil {
		t.Fatalf("a full environment: %v", err)
	}
	if c.Addr != full["ADDR"] || c.DataDir != full["DATA_DIR"] || c.DatabaseURL != full["DATABASE_URL"] || c.RedisURL != full["REDIS_URL"] ||
		c.LineSecret != secretValue || c.LineToken != tokenValue || c.LineAPIBase != full["LINE_API_BASE_URL"] || c.Loc.String() != "UTC" || !c.lineEnabled() {
		t.Errorf("config %+v does not carry the environment %v", c, full)
	}
}

// configErrors are environments a person can get wrong, with the words the
// error must contain: the variable, and what to do about it.
var configErrors = []struct {
	name string
	env  env
	want []string
}{
	{"secret without token", env{"LINE_CHANNEL_SECRET": secretValue},
		[]string{"LINE_CHANNEL_ACCESS_TOKEN", "set both"}},
	{"token without secret", env{"LINE_CHANNEL_ACCESS_TOKEN": tokenValue},
		[]string{"LINE_CHANNEL_SECRET", "set both"}},
	{"redis without database", env{"REDIS_URL": "redis://:" + redisPassword + "@cache:6379/0"},
		[]string{"DATABASE_URL", "REDIS_URL"}},
	{"river workers not a number", env{"RIVER_WORKERS": "many"},
		[]string{"RIVER_WORKERS", "between 1 and 1000"}},
	{"turn workers zero", env{"TURN_WORKERS": "0"},
		[]string{"TURN_WORKERS", "between 1 and 1000"}},
	{"fetch poll interval without unit", env{"RIVER_FETCH_POLL_INTERVAL": "50"},
		[]string{"RIVER_FETCH_POLL_INTERVAL", "50ms"}},
	{"fetch cooldown too long", env{"RIVER_FETCH_COOLDOWN": "2m"},
		[]string{"RIVER_FETCH_COOLDOWN", "between 1ms and 1m"}},
	{"database url of another kind", env{"DATABASE_URL": "mysql://amami:" + dbPassword + "@db/amamibot", "REDIS_URL": "redis://cache:6379/0"},
		[]string{"DATABASE_URL", "postgres://"}},
	{"database url unparsable", env{"DATABASE_URL": "postgres://amami:" + dbPassword + "%zz@db/amamibot", "REDIS_URL": "redis://cache:6379/0"},
		[]string{"DATABASE_URL", "postgres://"}},
	{"redis url of another kind", env{"DATABASE_URL": "postgres://db/amamibot", "REDIS_URL": "http://:" + redisPassword + "@cache:6379"},
		[]string{"REDIS_URL", "redis://"}},
	{"redis url unparsable", env{"DATABASE_URL": "postgres://db/amamibot", "REDIS_URL": "redis://:" + redisPassword + "%zz@cache:6379"},
		[]string{"REDIS_URL", "redis://"}},
	{"line api url without scheme", env{"LINE_API_BASE_URL": "api.line.me"},
		[]string{"LINE_API_BASE_URL", "https://api.line.me"}},
	{"addr without port", env{"ADDR": "8080"},
		[]string{"ADDR", ":8080"}},
	{"addr with a bad port", env{"ADDR": "localhost:http:80"},
		[]string{"ADDR", ":8080"}},
	{"unknown time zone", env{"TZ_DISPLAY": "Asia/Amami"},
		[]string{"TZ_DISPLAY", "Asia/Tokyo"}},
	{"slack channel without token", env{"SLACK_CHANNEL_ID": "C0STAFF", "SLACK_SIGNING_SECRET": secretValue},
		[]string{"SLACK_BOT_TOKEN", "xoxb-"}},
	{"slack token of the wrong kind", env{"SLACK_BOT_TOKEN": "xapp-" + tokenValue, "SLACK_CHANNEL_ID": "C0STAFF", "SLACK_SIGNING_SECRET": secretValue},
		[]string{"SLACK_BOT_TOKEN", "xoxb-"}},
	{"slack without channel", env{"SLACK_BOT_TOKEN": "xoxb-" + tokenValue, "SLACK_SIGNING_SECRET": secretValue},
		[]string{"SLACK_CHANNEL_ID", "staff channel"}},
	{"slack with no way to hear clicks", env{"SLACK_BOT_TOKEN": "xoxb-" + tokenValue, "SLACK_CHANNEL_ID": "C0STAFF"},
		[]string{"SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"}},
	{"slack app token of the wrong kind", env{"SLACK_BOT_TOKEN": "xoxb-" + tokenValue, "SLACK_CHANNEL_ID": "C0STAFF", "SLACK_APP_TOKEN": "xoxb-" + secretValue},
		[]string{"SLACK_APP_TOKEN", "xapp-"}},
	{"slack api url without scheme", env{"SLACK_BOT_TOKEN": "xoxb-" + tokenValue, "SLACK_CHANNEL_ID": "C0STAFF", "SLACK_SIGNING_SECRET": secretValue, "SLACK_API_URL": "slack.com/api/"},
		[]string{"SLACK_API_URL", "https://slack.com/api/"}},
	{"retention not a number", env{"RETENTION_DAYS": "half a year"},
		[]string{"RETENTION_DAYS", "between 1 and 3650"}},
	{"retention zero", env{"RETENTION_DAYS": "0"},
		[]string{"RETENTION_DAYS", "between 1 and 3650"}},
	{"hand-off idle not hours", env{"HANDOFF_IDLE_HOURS": "1d"},
		[]string{"HANDOFF_IDLE_HOURS", "between 1 and 720"}},
	{"calendar secret without PUBLIC_URL", env{"CALENDAR_SECRET": strings.Repeat("k", 32)}, []string{"PUBLIC_URL and CALENDAR_SECRET go together"}},
	{"calendar secret too short", env{"PUBLIC_URL": "https://bot.example.jp", "CALENDAR_SECRET": "short"}, []string{"CALENDAR_SECRET", "32"}},
	{"offer window too short", env{"OFFER_WINDOW": "1m"}, []string{"OFFER_WINDOW", `"1m"`, "12h"}},
	{"reminder not a duration", env{"SEMINAR_REMINDERS": "72h,前日"}, []string{"SEMINAR_REMINDERS", `"前日"`, "72h,24h,1h online"}},
	{"several at once", env{"ADDR": "8080", "LINE_CHANNEL_SECRET": secretValue, "TZ_DISPLAY": "JST+9"},
		[]string{"ADDR", "LINE_CHANNEL_ACCESS_TOKEN", "TZ_DISPLAY"}},
}

func TestLoadConfigErrors(t *testing.T) {
	for _, tc := range configErrors {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadConfig(tc.env.getenv)
			if err == nil {
				t.Fatalf("loadConfig(%v) = nil error", tc.env)
			}
			checkMessage(t, err.Error(), tc.want)
		})
	}
}

// TestServeConfigErrors: `amamibot serve` with a bad environment fails at
// once with the same sentence, touches nothing (not even DATA_DIR) and does
// not listen.
func TestServeConfigErrors(t *testing.T) {
	for _, tc := range configErrors {
		t.Run(tc.name, func(t *testing.T) {
			dataDir := filepath.Join(t.TempDir(), "data")
			e := tc.env.with("DATA_DIR", dataDir)
			if tc.env["ADDR"] == "" {
				e = e.with("ADDR", freeAddr(t))
			}
			_, stderr, err := amamibot(t, e, "serve")
			if err == nil {
				t.Fatal("serve started with a bad configuration")
			}
			checkMessage(t, err.Error(), tc.want)
			checkMessage(t, stderr, nil)
			if _, err := os.Stat(dataDir); !os.IsNotExist(err) {
				t.Errorf("DATA_DIR was created (%v) by a server that refused to start", err)
			}
			if addr := e["ADDR"]; strings.HasPrefix(addr, "127.0.0.1:") {
				if conn, err := net.Dial("tcp", addr); err == nil {
					conn.Close()
					t.Errorf("something listens on ADDR %s after serve failed", addr)
				}
			}
		})
	}
}

// TestServeStartErrors: settings that look right but do not work say which
// setting to check, without its secrets.
func TestServeStartErrors(t *testing.T) {
	_, redisURL := storetest.PostgresURLs(t)
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	tests := []struct {
		name string
		env  env
		want []string
	}{
		{"postgres not reachable", env{
			"DATABASE_URL": "postgres://amami:" + dbPassword + "@127.0.0.1:1/amamibot?connect_timeout=5", "REDIS_URL": redisURL,
		}, []string{"DATABASE_URL"}},
		{"address in use", env{"DATA_DIR": t.TempDir(), "ADDR": taken.Addr().String()},
			[]string{"ADDR", taken.Addr().String()}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := tc.env.with("LINE_CHANNEL_SECRET", secretValue, "LINE_CHANNEL_ACCESS_TOKEN", tokenValue)
			if e["ADDR"] == "" {
				e = e.with("ADDR", freeAddr(t))
			}
			_, stderr, err := amamibot(t, e, "serve")
			if err == nil {
				t.Fatal("serve started")
			}
			checkMessage(t, err.Error(), tc.want)
			checkMessage(t, stderr, nil)
		})
	}
}

func TestServeUsage(t *testing.T) {
	_, stderr, err := amamibot(t, env{}, "serve", "--no-such-flag")
	if err == nil || !strings.Contains(err.Error(), "-no-such-flag") || !strings.Contains(stderr, "usage:") || !strings.Contains(stderr, "serve [--demo]") {
		t.Errorf("serve --no-such-flag: %v, stderr:\n%s\nwant an error naming the flag, and the usage", err, stderr)
	}
	_, stderr, err = amamibot(t, env{}, "frobnicate")
	if err == nil || !strings.Contains(err.Error(), `"frobnicate"`) || !strings.Contains(stderr, "usage:") {
		t.Errorf("an unknown command: %v, stderr:\n%s\nwant an error naming it and the usage", err, stderr)
	}
}

// checkMessage checks that msg contains every word of want and no secret.
func checkMessage(t *testing.T, msg string, want []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("message does not say %q:\n%s", w, msg)
		}
	}
	for _, s := range secrets {
		if strings.Contains(msg, s) {
			t.Errorf("message shows the secret %q:\n%s", s, msg)
		}
	}
}
