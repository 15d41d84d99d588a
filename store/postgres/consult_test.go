package postgres_test

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
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
	var booked, taken atomic.Int32
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, err := stores[i%2].BookSlot(t.Context(), store.BookRequest{SlotID: "s", UserID: fmt.Sprintf("u%02d", i), Now: time.Now()})
			switch {
			case err == nil:
				booked.Add(1)
			case errors.Is(err, store.ErrSlotTaken):
				taken.Add(1)
			default:
				t.Errorf("BookSlot: %v", err)
			}
		})
	}
	wg.Wait()
	if booked.Load() != 1 || taken.Load() != n-1 {
		t.Errorf("%d booked, %d ErrSlotTaken; want 1 and %d", booked.Load(), taken.Load(), n-1)
	}
	for _, s := range stores {
		if bs, err := s.AllBookings(t.Context()); err != nil || len(bs) != 1 {
			t.Errorf("AllBookings: %d bookings, %v; want 1", len(bs), err)
		}
	}
}
