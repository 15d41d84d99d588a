package main

import (
	"net/http"
	"strings"
	"testing"
)

// A request with a 1 MiB header is refused before any handler sees it; an
// ordinary one is served.
func TestServerCapsRequestHeaders(t *testing.T) {
	s := startServer(t, "embedded", env{"DATA_DIR": t.TempDir()})
	get := func(header string) int {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, s.url+"/healthz", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Padding", header)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("GET /healthz: %v", err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if code := get(strings.Repeat("a", 1<<20)); code != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("a 1 MiB header: answered %d, want 431", code)
	}
	if code := get(strings.Repeat("a", 4<<10)); code != http.StatusOK {
		t.Errorf("a 4 KiB header: answered %d, want 200", code)
	}
}
