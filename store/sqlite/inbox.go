package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"github.com/amamibot/amamibot/store"
)

func (s *Store) RecordEvents(ctx context.Context, events []store.Event) (int, error) {
	var turns []river.InsertManyParams
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, sqlInsertEvent)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, e := range events {
			res, err := stmt.ExecContext(ctx, e.ID, e.UserID, e.Kind, e.Text, e.ReplyToken,
				dbTime(e.OccurredAt), dbTime(e.ReceivedAt))
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			if n == 0 {
				continue // seen before
			}
			turns = append(turns, river.InsertManyParams{Args: store.TurnArgs{UserID: e.UserID, EventID: e.ID}})
		}
		if len(turns) == 0 {
			return nil
		}
		_, err = s.jobs.InsertManyTx(ctx, tx, turns)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("record events: %w", err)
	}
	return len(turns), nil
}

func (s *Store) NextEvent(ctx context.Context, userID string) (store.Event, bool, error) {
	var e store.Event
	err := s.db.QueryRowContext(ctx, sqlNextEvent, userID).Scan(&e.ID, &e.UserID, &e.Kind, &e.Text, &e.ReplyToken,
		timeDest{&e.OccurredAt}, timeDest{&e.ReceivedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return store.Event{}, false, nil
	}
	if err != nil {
		return store.Event{}, false, fmt.Errorf("next event: %w", err)
	}
	return e, true, nil
}

func (s *Store) MarkHandled(ctx context.Context, eventID string, now time.Time) error {
	if _, err := s.db.ExecContext(ctx, sqlMarkHandled, dbTime(now), eventID); err != nil {
		return fmt.Errorf("mark event %s handled: %w", eventID, err)
	}
	return nil
}

// lockTimeout bounds how long a turn holds its user's lock: a turn stuck
// longer than this must not silence the user for good.
const lockTimeout = 5 * time.Minute

// LockUser locks within this process, which is the only one using the
// data directory (see Open).
func (s *Store) LockUser(ctx context.Context, userID string) (func(), error) {
	unlock, err := s.users.lock(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("lock user: %w", err)
	}
	return unlock, nil
}

// userLocks are per-user mutexes that are created when wanted and removed
// when no one holds or waits for them.
type userLocks struct {
	mu    sync.Mutex
	locks map[string]*userLock
}

type userLock struct {
	held chan struct{} // a token inside while locked
	refs int           // holders and waiters; guarded by userLocks.mu
}

func (l *userLocks) lock(ctx context.Context, key string) (func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	l.mu.Lock()
	ul := l.locks[key]
	if ul == nil {
		ul = &userLock{held: make(chan struct{}, 1)}
		l.locks[key] = ul
	}
	ul.refs++
	l.mu.Unlock()

	select {
	case ul.held <- struct{}{}:
	case <-ctx.Done():
		l.release(key, ul)
		return nil, ctx.Err()
	}
	var once sync.Once
	unlock := func() {
		once.Do(func() {
			<-ul.held
			l.release(key, ul)
		})
	}
	timer := time.AfterFunc(lockTimeout, unlock)
	return func() {
		timer.Stop()
		unlock()
	}, nil
}

func (l *userLocks) release(key string, ul *userLock) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ul.refs--; ul.refs == 0 {
		delete(l.locks, key)
	}
}
