package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/amamibot/amamibot/store"
)

// RecordEvents stores the events not seen before and a TurnArgs job for each
// (none with Options.TurnsInProcess), in one transaction. A redelivered event
// changes nothing: its ID conflicts.
//
// Outside a turn, the webhooks' calls commit together (see group): at
// hundreds of events a second an event costs an insert, not a commit, and
// acknowledgements do not queue one by one for the connection.
func (v view) RecordEvents(ctx context.Context, events []store.Event) (int, error) {
	if v.tx != nil {
		n, err := v.recordEvents(ctx, events)
		if err != nil {
			return 0, fmt.Errorf("record events: %w", err)
		}
		return n, nil
	}
	var n int
	err := v.s.group.do(ctx, func(tx view) (err error) {
		n, err = tx.recordEvents(ctx, events)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("record events: %w", err)
	}
	return n, nil
}

// recordEvents records the events in the transaction v.
func (v view) recordEvents(ctx context.Context, events []store.Event) (int, error) {
	var turns []river.InsertManyParams
	for _, e := range events {
		n, err := v.exec(ctx, insertEvent, e.ID, e.UserID, e.Kind, e.Text, e.ReplyToken, v.t(e.OccurredAt), v.t(e.ReceivedAt))
		if err != nil {
			return 0, err
		}
		if n > 0 { // else seen before
			turns = append(turns, river.InsertManyParams{Args: store.TurnArgs{UserID: e.UserID, EventID: e.ID}})
		}
	}
	if v.s.noTurnJobs {
		return len(turns), nil
	}
	return len(turns), v.insertJobs(ctx, turns...)
}

// NextEvent returns the user's oldest unhandled event.
func (v view) NextEvent(ctx context.Context, userID string) (store.Event, bool, error) {
	events, err := v.NextEvents(ctx, userID, 1)
	if err != nil || len(events) == 0 {
		return store.Event{}, false, err
	}
	return events[0], true, nil
}

// NextEvents returns the user's oldest unhandled events.
func (v view) NextEvents(ctx context.Context, userID string, limit int) ([]store.Event, error) {
	events, err := list(ctx, v, func(e *store.Event) []any {
		return []any{&e.ID, &e.UserID, &e.Kind, &e.Text, &e.ReplyToken, timeDest{&e.OccurredAt}, timeDest{&e.ReceivedAt}}
	}, selectNextEvents, userID, limit)
	if err != nil {
		return nil, fmt.Errorf("read the next events: %w", err)
	}
	return events, nil
}

// MarkHandled marks an event handled and holds its replies; the first time
// counts.
func (v view) MarkHandled(ctx context.Context, eventID string, now time.Time, replies []byte) error {
	if _, err := v.exec(ctx, markHandled, eventID, v.t(now), replies); err != nil {
		return fmt.Errorf("mark event %q handled: %w", eventID, err)
	}
	return nil
}

// Session returns the user's session, or nil when there is none.
func (v view) Session(ctx context.Context, userID string) ([]byte, error) {
	var data []byte
	err := v.row(ctx, selectSession, []any{userID, v.t(time.Now())}, &data)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read session: %w", err)
	}
	return data, nil
}

// SaveSession stores the user's session for ttl.
func (v view) SaveSession(ctx context.Context, userID string, data []byte, ttl time.Duration) error {
	if data == nil {
		data = []byte{} // the column is NOT NULL
	}
	if _, err := v.exec(ctx, saveSession, userID, data, v.t(time.Now().Add(ttl))); err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	return nil
}
