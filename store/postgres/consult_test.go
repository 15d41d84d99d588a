package postgres_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/store/storetest"
)

func TestConsult(t *testing.T) {
	storetest.RunConsult(t, storetest.OpenPostgres)
}

// TestReplicasRaceForSlot: owners on two replicas book the same slot at
// once; the unique index lets one booking through.
func TestReplicasRaceForSlot(t *testing.T) {
	stores := replicas(t, 2)
	starts := time.Now().UTC().Add(72 * time.Hour).Truncate(time.Second)
	slot := store.Slot{ID: "s", StartsAt: starts, EndsAt: starts.Add(time.Hour), Host: "相談員", Mode: store.ConsultOnline}
	if err := stores[0].UpsertSlots(t.Context(), []store.Slot{slot}); err != nil {
		t.Fatalf("UpsertSlots: %v", err)
	}

	const n = 40
	booked, taken := storetest.Race(t, n, store.ErrSlotTaken, func(i int) error {
		_, err := stores[i%2].BookSlot(t.Context(), store.BookRequest{SlotID: "s", UserID: fmt.Sprintf("u%02d", i), Now: time.Now()})
		return err
	})
	if booked != 1 || taken != n-1 {
		t.Errorf("%d booked, %d ErrSlotTaken; want 1 and %d", booked, taken, n-1)
	}
	for _, s := range stores {
		if bs, err := s.AllBookings(t.Context()); err != nil || len(bs) != 1 {
			t.Errorf("AllBookings: %d bookings, %v; want 1", len(bs), err)
		}
	}
}
