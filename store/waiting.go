package store

import (
	"context"
	"time"
)

// Waiting finds the events whose turns have not run, for a process that
// runs turns itself right after recording events (Options.TurnsInProcess):
// the events it did not get to (it died, or was too busy) are found here.
type Waiting interface {
	// WaitingUsers returns up to limit users with an event received before
	// before and not handled yet.
	WaitingUsers(ctx context.Context, before time.Time, limit int) ([]string, error)
}
