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

// Outbox is where a turn's replies wait until they are sent: on their
// event (Inbox.MarkHandled), committed with the turn. The process that ran
// the turn sends them right after the commit and says so (RepliesSent); a
// reply it could not send, or that its process died before sending, becomes
// a ReplyArgs job (RetryReplies, OverdueReplies). Holding them on the event
// costs the turn no job insert and no job cancel.
type Outbox interface {
	// RepliesSent forgets the replies held on the event: they went out.
	RepliesSent(ctx context.Context, eventID string) error
	// RetryReplies gives the replies held on the event a ReplyArgs job due
	// now (Failed: the send right after the turn failed), in the
	// transaction that forgets them.
	RetryReplies(ctx context.Context, eventID string) error
	// OverdueReplies gives up to limit events whose replies are still held
	// since before (their process died, or never said they went out) a
	// ReplyArgs job each, and forgets them; it returns how many.
	OverdueReplies(ctx context.Context, before time.Time, limit int) (int, error)
}
