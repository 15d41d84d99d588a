package sqlite

import (
	"context"
	"testing"
	"time"

	"github.com/amamibot/amamibot/store"
)

// TestUserLocksCleanUp: locks nobody holds or waits for are removed.
func TestUserLocksCleanUp(t *testing.T) {
	s, err := Open(t.Context(), t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	unlock, err := s.LockUser(t.Context(), "u1")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	if _, err := s.LockUser(ctx, "u1"); err == nil {
		t.Fatal("LockUser of a held lock: no error")
	}
	unlock()
	unlock()
	s.users.mu.Lock()
	defer s.users.mu.Unlock()
	if n := len(s.users.locks); n != 0 {
		t.Errorf("%d user locks left, want 0", n)
	}
}
