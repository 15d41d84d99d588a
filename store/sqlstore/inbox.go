package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"github.com/amamibot/amamibot/store"
)

// RecordEvents stores the events not seen before and a TurnArgs job for each
// (none with Options.TurnsInProcess), in one transaction. A redelivered event
// changes nothing: its ID conflicts.
//
// Outside a turn, the webhooks' calls commit together (a group commit): one
// transaction records every call that waits while the previous one commits,
// so that at hundreds of events a second an event costs an insert, not a
// commit, and acknowledgements do not queue one by one for the connection.
func (v view) RecordEvents(ctx context.Context, events []store.Event) (int, error) {
	if v.tx != nil {
		n, err := v.recordEvents(ctx, events)
		if err != nil {
			return 0, fmt.Errorf("record events: %w", err)
		}
		return n, nil
	}
	return v.s.recorder.record(ctx, events)
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

// maxGroup bounds the calls one group commit records.
const maxGroup = 256

// recorder is the group commit of RecordEvents: one goroutine, started with
// the first call, records whatever calls are waiting in one transaction.
type recorder struct {
	s     *Store
	calls chan *recordCall
	once  sync.Once
	stop  chan struct{}
	done  chan struct{}
}

// A recordCall is one RecordEvents call waiting for its group's commit.
type recordCall struct {
	events []store.Event
	n      int
	err    error
	done   chan struct{}
}

func (r *recorder) record(ctx context.Context, events []store.Event) (int, error) {
	r.once.Do(func() { go r.loop() })
	c := &recordCall{events: events, done: make(chan struct{})}
	select {
	case r.calls <- c:
	case <-ctx.Done():
		return 0, fmt.Errorf("record events: %w", ctx.Err())
	case <-r.stop:
		return 0, errors.New("record events: the store is closed")
	}
	<-c.done // whatever ctx says: the group decides
	if c.err != nil {
		return 0, fmt.Errorf("record events: %w", c.err)
	}
	return c.n, nil
}

// close stops the loop after the group it is recording.
func (r *recorder) close() {
	close(r.stop)
	r.once.Do(func() { close(r.done) }) // never started
	<-r.done
}

func (r *recorder) loop() {
	defer close(r.done)
	for {
		var group []*recordCall
		select {
		case c := <-r.calls:
			group = append(group, c)
		case <-r.stop:
			return
		}
	more:
		for len(group) < maxGroup {
			select {
			case c := <-r.calls:
				group = append(group, c)
			default:
				break more
			}
		}
		r.commit(group)
	}
}

// commit records a group in one transaction; if that fails, each call in a
// transaction of its own, so that one call the store refuses does not fail
// the others.
func (r *recorder) commit(group []*recordCall) {
	defer func() {
		for _, c := range group {
			close(c.done)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), recordTimeout)
	defer cancel()
	s := r.s
	err := s.inTx(ctx, func(tx view) error {
		for _, c := range group {
			var err error
			if c.n, err = tx.recordEvents(ctx, c.events); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil || len(group) == 1 {
		if err != nil {
			group[0].n, group[0].err = 0, err
		}
		return
	}
	for _, c := range group {
		c.err = s.inTx(ctx, func(tx view) error {
			var err error
			c.n, err = tx.recordEvents(ctx, c.events)
			return err
		})
		if c.err != nil {
			c.n = 0
		}
	}
}

// NextEvent returns the user's oldest unhandled event.
func (v view) NextEvent(ctx context.Context, userID string) (store.Event, bool, error) {
	var e store.Event
	err := v.row(ctx, selectNextEvent, []any{userID},
		&e.ID, &e.UserID, &e.Kind, &e.Text, &e.ReplyToken, timeDest{&e.OccurredAt}, timeDest{&e.ReceivedAt})
	if errors.Is(err, store.ErrNotFound) {
		return store.Event{}, false, nil
	}
	if err != nil {
		return store.Event{}, false, fmt.Errorf("read the next event: %w", err)
	}
	return e, true, nil
}

// MarkHandled marks an event handled; the first time counts.
func (v view) MarkHandled(ctx context.Context, eventID string, now time.Time) error {
	if _, err := v.exec(ctx, markHandled, eventID, v.t(now)); err != nil {
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
