package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/store/sqlite"
)

// OpenSQLite opens an embedded store in a fresh temporary directory; at
// cleanup it stops the jobs and closes the store.
func OpenSQLite(t *testing.T, opts store.Options) store.Store {
	t.Helper()
	s, err := sqlite.Open(t.Context(), t.TempDir(), opts)
	if err != nil {
		t.Fatalf("open sqlite store: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := s.StopJobs(ctx); err != nil {
			t.Errorf("stop jobs: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	return s
}
