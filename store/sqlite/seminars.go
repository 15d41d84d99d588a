package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/amamibot/amamibot/store"
)

func (s *Store) UpsertSeminars(ctx context.Context, seminars []store.Seminar) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, sqlUpsertSeminar)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, sem := range seminars {
			_, err := stmt.ExecContext(ctx, sem.ID, sem.Title, dbTime(sem.StartsAt), dbTime(sem.EndsAt),
				sem.Venue, sem.OnlineURL, sem.Capacity)
			if err != nil {
				return fmt.Errorf("seminar %q: %w", sem.ID, err)
			}
		}
		// Seats added by the import go to the waitlist, first come first.
		now := time.Now()
		for _, sem := range seminars {
			for {
				promoted, err := s.promote(ctx, tx, sem.ID, now)
				if err != nil {
					return fmt.Errorf("seminar %q: promote the waitlist: %w", sem.ID, err)
				}
				if promoted == nil {
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

func (s *Store) UpcomingSeminars(ctx context.Context, now time.Time, limit int) ([]store.Seminar, error) {
	rows, err := s.db.QueryContext(ctx, sqlUpcomingSeminars, dbTime(now), limit)
	if err != nil {
		return nil, fmt.Errorf("list upcoming seminars: %w", err)
	}
	defer rows.Close()
	var seminars []store.Seminar
	for rows.Next() {
		var sem store.Seminar
		if err := rows.Scan(seminarDest(&sem)...); err != nil {
			return nil, fmt.Errorf("list upcoming seminars: %w", err)
		}
		seminars = append(seminars, sem)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list upcoming seminars: %w", err)
	}
	return seminars, nil
}

func (s *Store) Seminar(ctx context.Context, id string) (store.Seminar, error) {
	sem, err := seminar(ctx, s.db, id)
	if err != nil {
		return store.Seminar{}, fmt.Errorf("seminar %s: %w", id, err)
	}
	return sem, nil
}

// querier is what the store's reads run on: the database or a transaction.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func seminar(ctx context.Context, q querier, id string) (store.Seminar, error) {
	var sem store.Seminar
	err := q.QueryRowContext(ctx, sqlSeminar, id).Scan(seminarDest(&sem)...)
	if errors.Is(err, sql.ErrNoRows) {
		return sem, store.ErrNotFound
	}
	return sem, err
}

// seminarDest is where a row of seminarColumns goes.
func seminarDest(s *store.Seminar) []any {
	return []any{&s.ID, &s.Title, timeDest{&s.StartsAt}, timeDest{&s.EndsAt}, &s.Venue, &s.OnlineURL, &s.Capacity, &s.Booked}
}
