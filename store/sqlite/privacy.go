package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/amamibot/amamibot/store"
)

var _ store.Privacy = (*Store)(nil)

func (s *Store) Consent(ctx context.Context, userID string) (time.Time, bool, error) {
	var at time.Time
	err := s.db.QueryRowContext(ctx, sqlConsent, userID).Scan(timeDest{&at})
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("read consent: %w", err)
	}
	return at, true, nil
}

// RecordConsent records the user's agreement; the first one stays.
func (s *Store) RecordConsent(ctx context.Context, userID string, at time.Time) error {
	if _, err := s.db.ExecContext(ctx, sqlRecordConsent, userID, dbTime(at)); err != nil {
		return fmt.Errorf("record consent: %w", err)
	}
	return nil
}

// DeleteUserData erases the user's personal data in one transaction: the
// owner record, the consent and the session go, names and companies of
// registrations, problems and reasons of requests, texts and reply tokens
// of events are emptied; the records themselves and their statuses stay.
func (s *Store) DeleteUserData(ctx context.Context, userID string) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		for _, query := range []string{sqlDeleteOwner, sqlEraseUserRegistrations, sqlEraseUserIntroductions,
			sqlEraseUserEvents, sqlDeleteConsent, sqlDeleteSession} {
			if _, err := tx.ExecContext(ctx, query, userID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete user data: %w", err)
	}
	return nil
}

// PurgeBefore empties the problems and reasons of requests created before
// cutoff and drops the handled events received before it, in one
// transaction. Unhandled events stay as they are: they still need their
// turn. It returns how many requests and events it changed.
func (s *Store) PurgeBefore(ctx context.Context, cutoff time.Time) (int, error) {
	var n int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		for _, query := range []string{sqlPurgeIntroductions, sqlPurgeEvents} {
			res, err := tx.ExecContext(ctx, query, dbTime(cutoff))
			if err != nil {
				return err
			}
			changed, err := res.RowsAffected()
			if err != nil {
				return err
			}
			n += changed
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("purge data before %s: %w", cutoff.UTC().Format(time.RFC3339), err)
	}
	return int(n), nil
}
