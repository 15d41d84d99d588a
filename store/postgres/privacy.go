package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/amamibot/amamibot/store"
)

var _ store.Privacy = (*Store)(nil)

// Consent returns when the user agreed to the privacy notice.
func (s *Store) Consent(ctx context.Context, userID string) (time.Time, bool, error) {
	var at time.Time
	err := s.pool.QueryRow(ctx, selectConsent, userID).Scan(&at)
	if errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("read consent: %w", err)
	}
	return at, true, nil
}

// RecordConsent records the user's agreement; the first one stays.
func (s *Store) RecordConsent(ctx context.Context, userID string, at time.Time) error {
	if _, err := s.pool.Exec(ctx, insertConsent, userID, at.UTC().Truncate(time.Microsecond)); err != nil {
		return fmt.Errorf("record consent: %w", err)
	}
	return nil
}

// DeleteUserData erases the user's personal data in one transaction: the
// owner record and the consent go, names and companies of registrations,
// problems and reasons of requests, texts and reply tokens of events are
// emptied; the records themselves and their statuses stay. The session, in
// Redis, is deleted after the commit: should that fail, the records are
// erased already and calling again finishes the job.
func (s *Store) DeleteUserData(ctx context.Context, userID string) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for _, query := range []string{deleteOwner, eraseUserRegistrations, eraseUserIntroductions, eraseUserEvents, deleteConsent} {
			if _, err := tx.Exec(ctx, query, userID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete user data: %w", err)
	}
	if err := s.rdb.Del(ctx, s.prefix+"session:"+userID).Err(); err != nil {
		return fmt.Errorf("delete user data: delete the session: %w", err)
	}
	return nil
}

// PurgeBefore empties the problems and reasons of requests created before
// cutoff and drops the handled events received before it, in one
// transaction. Unhandled events stay as they are: they still need their
// turn. It returns how many requests and events it changed.
func (s *Store) PurgeBefore(ctx context.Context, cutoff time.Time) (int, error) {
	cutoff = cutoff.UTC().Truncate(time.Microsecond)
	var n int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for _, query := range []string{purgeIntroductions, purgeEvents} {
			tag, err := tx.Exec(ctx, query, cutoff)
			if err != nil {
				return err
			}
			n += tag.RowsAffected()
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("purge data before %s: %w", cutoff.Format(time.RFC3339), err)
	}
	return int(n), nil
}
