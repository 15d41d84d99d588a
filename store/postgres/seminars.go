package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/amamibot/amamibot/store"
)

// UpsertSeminars creates or updates the seminars in one transaction.
func (s *Store) UpsertSeminars(ctx context.Context, seminars []store.Seminar) error {
	var batch pgx.Batch
	for _, m := range seminars {
		batch.Queue(upsertSeminar, m.ID, m.Title, m.StartsAt, m.EndsAt, m.Venue, m.OnlineURL, m.Capacity)
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := tx.SendBatch(ctx, &batch).Close(); err != nil {
			return err
		}
		// Seats added by the import go to the waitlist, first come first.
		now := time.Now()
		for _, m := range seminars {
			for {
				promoted, err := s.promote(ctx, tx, m.ID, now)
				if err != nil {
					return fmt.Errorf("seminar %q: promote the waitlist: %w", m.ID, err)
				}
				if promoted == 0 {
					break
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("upsert seminars: %w", err)
	}
	return nil
}

// UpcomingSeminars lists up to limit seminars starting after now, soonest
// first; limit <= 0 lists all.
func (s *Store) UpcomingSeminars(ctx context.Context, now time.Time, limit int) ([]store.Seminar, error) {
	var n *int // NULL: no limit
	if limit > 0 {
		n = &limit
	}
	rows, _ := s.pool.Query(ctx, selectUpcomingSeminars, now, n)
	seminars, err := pgx.CollectRows(rows, scanSeminar)
	if err != nil {
		return nil, fmt.Errorf("list upcoming seminars: %w", err)
	}
	return seminars, nil
}

func (s *Store) Seminar(ctx context.Context, id string) (store.Seminar, error) {
	return seminar(ctx, s.pool, id)
}

// querier is a pool or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

func seminar(ctx context.Context, q querier, id string) (store.Seminar, error) {
	rows, _ := q.Query(ctx, selectSeminar, id)
	m, err := pgx.CollectExactlyOneRow(rows, scanSeminar)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Seminar{}, fmt.Errorf("seminar %q: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return store.Seminar{}, fmt.Errorf("read seminar %q: %w", id, err)
	}
	return m, nil
}

func scanSeminar(row pgx.CollectableRow) (store.Seminar, error) {
	var m store.Seminar
	err := row.Scan(&m.ID, &m.Title, &m.StartsAt, &m.EndsAt, &m.Venue, &m.OnlineURL, &m.Capacity, &m.Booked)
	return m, err
}
