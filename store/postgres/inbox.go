package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/amamibot/amamibot/store"
)

// RecordEvents stores the events not seen before and a TurnArgs job for each,
// in one transaction. A redelivered event changes nothing: its ID conflicts.
func (s *Store) RecordEvents(ctx context.Context, events []store.Event) (int, error) {
	if len(events) == 0 {
		return 0, nil
	}
	// One array per column, for unnest.
	n := len(events)
	ids, users, kinds, texts, tokens := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	occurred, received := make([]time.Time, n), make([]time.Time, n)
	for i, e := range events {
		ids[i], users[i], kinds[i], texts[i], tokens[i] = e.ID, e.UserID, e.Kind, e.Text, e.ReplyToken
		occurred[i], received[i] = e.OccurredAt, e.ReceivedAt
	}
	var jobs []river.InsertManyParams
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, insertEvents, ids, users, kinds, texts, tokens, occurred, received)
		var err error
		jobs, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (river.InsertManyParams, error) {
			var turn store.TurnArgs
			err := row.Scan(&turn.EventID, &turn.UserID)
			return river.InsertManyParams{Args: turn}, err
		})
		if err != nil {
			return err
		}
		return s.insertJobsTx(ctx, tx, jobs)
	})
	if err != nil {
		return 0, fmt.Errorf("record events: %w", err)
	}
	return len(jobs), nil
}

// NextEvent returns the user's oldest unhandled event.
func (s *Store) NextEvent(ctx context.Context, userID string) (store.Event, bool, error) {
	rows, _ := s.pool.Query(ctx, selectNextEvent, userID)
	e, err := pgx.CollectExactlyOneRow(rows, func(row pgx.CollectableRow) (store.Event, error) {
		var e store.Event
		err := row.Scan(&e.ID, &e.UserID, &e.Kind, &e.Text, &e.ReplyToken, &e.OccurredAt, &e.ReceivedAt)
		return e, err
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Event{}, false, nil
	}
	if err != nil {
		return store.Event{}, false, fmt.Errorf("read the next event: %w", err)
	}
	return e, true, nil
}

// MarkHandled marks an event handled; the first time counts.
func (s *Store) MarkHandled(ctx context.Context, eventID string, now time.Time) error {
	if _, err := s.pool.Exec(ctx, markHandled, eventID, now); err != nil {
		return fmt.Errorf("mark event %q handled: %w", eventID, err)
	}
	return nil
}
