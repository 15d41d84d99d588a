package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/amamibot/amamibot/store"
)

// BenchmarkActiveHandoff: the look-up every turn makes once hand-offs are
// on (a user without one, among 1,000 with one open).
func BenchmarkActiveHandoff(b *testing.B) {
	s, done := benchStore(b)
	defer done()
	ctx := context.Background()
	for i := range 1000 {
		if _, err := s.OpenHandoff(ctx, fmt.Sprint("open", i), s.now, time.Hour); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for range b.N {
		if _, err := s.ActiveHandoff(ctx, "nobody"); !errors.Is(err, store.ErrNotFound) {
			b.Fatal(err)
		}
	}
}

// BenchmarkHandoffReply: a staff reply recorded, with its push job, per op.
func BenchmarkHandoffReply(b *testing.B) {
	s, done := benchStore(b)
	defer done()
	ctx := context.Background()
	h, err := s.OpenHandoff(ctx, "U1", s.now, time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		m := store.HandoffMessage{HandoffID: h.ID, ToUser: true, Kind: store.HandoffText, Text: "お返事です", CreatedAt: s.now}
		if _, _, err := s.AddHandoffMessage(ctx, m, fmt.Sprint("ev", i)); err != nil {
			b.Fatal(err)
		}
	}
}
