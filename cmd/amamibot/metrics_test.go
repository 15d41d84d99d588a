package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestMetricsToken: with METRICS_TOKEN set, /metrics answers only the bearer
// of the token; without it, anyone (the default, for a private network).
func TestMetricsToken(t *testing.T) {
	get := func(s *server, auth string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", s.url+"/metrics", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body)
	}
	open := startServer(t, "no token", env{"DATA_DIR": t.TempDir()})
	if code, body := get(open, ""); code != http.StatusOK || !strings.Contains(body, "amamibot_") {
		t.Errorf("/metrics without METRICS_TOKEN: %d, want 200 with amamibot's metrics", code)
	}

	guarded := startServer(t, "token", env{"DATA_DIR": t.TempDir(), "METRICS_TOKEN": "s3cret-metrics"})
	for _, auth := range []string{"", "Bearer wrong", "s3cret-metrics", "Basic s3cret-metrics"} {
		if code, body := get(guarded, auth); code != http.StatusUnauthorized || strings.Contains(body, "amamibot_") {
			t.Errorf("/metrics with Authorization %q: %d, want 401 and no metrics", auth, code)
		}
	}
	if code, body := get(guarded, "Bearer s3cret-metrics"); code != http.StatusOK || !strings.Contains(body, "amamibot_") {
		t.Errorf("/metrics with the token: %d, want 200 with amamibot's metrics", code)
	}
}

// TestDemoListensOnLoopback: the demo, whose console needs no token, is not
// reachable from the network unless ADDR says so.
func TestDemoListensOnLoopback(t *testing.T) {
	if got := demoAddr(env{}.getenv); got != "127.0.0.1:8080" {
		t.Errorf("demo without ADDR listens on %q, want 127.0.0.1:8080", got)
	}
	if got := demoAddr(env{"ADDR": ":9000"}.getenv); got != ":9000" {
		t.Errorf("demo with ADDR=:9000 listens on %q, want :9000", got)
	}
}
