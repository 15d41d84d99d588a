package sqlite_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/amamibot/amamibot/store"
)

func benchStore(b *testing.B) (*storeAndNow, func()) {
	s := open(b, b.TempDir(), store.Options{})
	now := time.Now().UTC()
	seminars := []store.Seminar{}
	for i := range 20 {
		starts := now.AddDate(0, 0, 30+i)
		seminars = append(seminars, store.Seminar{
			ID: fmt.Sprintf("s%02d", i), Title: "セミナー", StartsAt: starts, EndsAt: starts.Add(time.Hour),
			Venue: "奄美市名瀬", OnlineURL: "https://example.com/meet", Capacity: 1 << 30,
		})
	}
	if err := s.UpsertSeminars(context.Background(), seminars); err != nil {
		b.Fatal(err)
	}
	return &storeAndNow{s, now}, func() { closeStore(b, s) }
}

type storeAndNow struct {
	store.Store
	now time.Time
}

var seq atomic.Int64

// BenchmarkRegister: one venue registration with its reminder job per op.
func BenchmarkRegister(b *testing.B) {
	s, done := benchStore(b)
	defer done()
	ctx := context.Background()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := seq.Add(1)
			_, err := s.Register(ctx, store.RegisterRequest{
				SeminarID: fmt.Sprintf("s%02d", n%20), UserID: fmt.Sprint("u", n), Attendance: store.Venue,
				Name: "奄美 太郎", Company: "奄美商店", Now: s.now,
			})
			if err != nil {
				b.Error(err)
			}
		}
	})
}

// BenchmarkRecordEvents: one new event with its turn job per op, as a
// webhook delivers them.
func BenchmarkRecordEvents(b *testing.B) {
	s, done := benchStore(b)
	defer done()
	ctx := context.Background()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := seq.Add(1)
			_, err := s.RecordEvents(ctx, []store.Event{{
				ID: fmt.Sprint("e", n), UserID: fmt.Sprint("u", n%100), Kind: "text", Text: "セミナー申込",
				ReplyToken: "token", OccurredAt: s.now, ReceivedAt: s.now,
			}})
			if err != nil {
				b.Error(err)
			}
		}
	})
}

// BenchmarkSession: loading a session, as every turn does.
func BenchmarkSession(b *testing.B) {
	s, done := benchStore(b)
	defer done()
	ctx := context.Background()
	for i := range 100 {
		if err := s.SaveSession(ctx, fmt.Sprint("u", i), make([]byte, 512), time.Hour); err != nil {
			b.Fatal(err)
		}
	}
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.Session(ctx, fmt.Sprint("u", seq.Add(1)%100)); err != nil {
				b.Error(err)
			}
		}
	})
}

// BenchmarkUpcomingSeminars: the seminar list every registration starts with.
func BenchmarkUpcomingSeminars(b *testing.B) {
	s, done := benchStore(b)
	defer done()
	ctx := context.Background()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.UpcomingSeminars(ctx, s.now, 10); err != nil {
				b.Error(err)
			}
		}
	})
}

// BenchmarkTurn: what one turn that registers does, from several turns at
// once: the reads of a turn, then the registration, the session and the
// event marked handled.
func BenchmarkTurn(b *testing.B) {
	s, done := benchStore(b)
	defer done()
	ctx := context.Background()
	b.SetParallelism(4)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := seq.Add(1)
			user, event := fmt.Sprint("u", n), fmt.Sprint("e", n)
			if _, err := s.RecordEvents(ctx, []store.Event{{ID: event, UserID: user, Kind: "text", OccurredAt: s.now, ReceivedAt: s.now}}); err != nil {
				b.Fatal(err)
			}
			if _, _, err := s.NextEvent(ctx, user); err != nil {
				b.Fatal(err)
			}
			if _, err := s.Session(ctx, user); err != nil {
				b.Fatal(err)
			}
			if _, err := s.UpcomingSeminars(ctx, s.now, 10); err != nil {
				b.Fatal(err)
			}
			if _, err := s.UserRegistrations(ctx, user, s.now); err != nil {
				b.Fatal(err)
			}
			_, err := s.Register(ctx, store.RegisterRequest{
				SeminarID: fmt.Sprintf("s%02d", n%20), UserID: user, Attendance: store.Venue, Name: "奄美 太郎", Now: s.now,
			})
			if err != nil {
				b.Fatal(err)
			}
			if err := s.SaveSession(ctx, user, make([]byte, 512), time.Hour); err != nil {
				b.Fatal(err)
			}
			if err := s.MarkHandled(ctx, event, s.now, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}
