package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/store/sqlite"
)

func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "amamibot")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	s, err := sqlite.Open(ctx, dir, store.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	jst := time.FixedZone("JST", 9*60*60)
	starts := time.Date(2030, 12, 11, 15, 0, 0, 0, jst)
	err = s.UpsertSeminars(ctx, []store.Seminar{{
		ID:       "dx-2030-12",
		Title:    "副業人材活用セミナー",
		StartsAt: starts,
		EndsAt:   starts.Add(90 * time.Minute),
		Venue:    "奄美市名瀬",
		Capacity: 1,
	}})
	if err != nil {
		log.Fatal(err)
	}

	// The reminder job (the day before) commits with the registration.
	req := store.RegisterRequest{SeminarID: "dx-2030-12", UserID: "U1", Attendance: store.Venue, Name: "奄美 太郎", Now: starts.AddDate(0, 0, -7)}
	reg, err := s.Register(ctx, req)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(reg.Status, reg.Seminar.StartsAt, reg.Seminar.SeatsLeft())

	req.UserID = "U2"
	_, err = s.Register(ctx, req)
	fmt.Println(errors.Is(err, store.ErrVenueFull))
	// Output:
	// confirmed 2030-12-11 06:00:00 +0000 UTC 0
	// true
}
