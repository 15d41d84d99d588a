package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/amamibot/amamibot/store"
)

// Consent returns when the user agreed to the privacy notice.
func (v view) Consent(ctx context.Context, userID string) (time.Time, bool, error) {
	var at time.Time
	err := v.row(ctx, selectConsent, []any{userID}, timeDest{&at})
	if errors.Is(err, store.ErrNotFound) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("read consent: %w", err)
	}
	return at, true, nil
}

// RecordConsent records the user's agreement; the first one stays.
func (v view) RecordConsent(ctx context.Context, userID string, at time.Time) error {
	if _, err := v.exec(ctx, insertConsent, userID, v.t(at)); err != nil {
		return fmt.Errorf("record consent: %w", err)
	}
	return nil
}

// DeleteUserData erases the user's personal data in one transaction: the
// owner record, the consent, the session, the questions and the matcher's
// signals go; names and companies of registrations, problems and reasons of
// requests, texts and reply tokens of events are emptied; the records
// themselves and their statuses stay.
func (v view) DeleteUserData(ctx context.Context, userID string) error {
	err := v.inTx(ctx, func(tx view) error {
		for _, query := range []string{deleteOwner, eraseUserRegistrations, eraseUserEvents, deleteConsent, deleteSession, deleteQuestions, deleteSignals,
			deleteUserTopics, deleteAnnounceUser, deleteUserRecipients, deleteUserFollowups, deleteUserAttendance} {
			if _, err := tx.exec(ctx, query, userID); err != nil {
				return err
			}
		}
		if err := tx.eraseHandoffs(ctx, userID); err != nil {
			return err
		}
		_, err := tx.exec(ctx, eraseUserIntroductions, userID, tx.s.d.List(nil))
		return err
	})
	if err != nil {
		return fmt.Errorf("delete user data: %w", err)
	}
	return nil
}

// PurgeBefore empties the problems and reasons of requests created before
// cutoff and drops the handled events received before it, and the questions,
// hand-off messages and signals recorded before it, in one transaction. Unhandled events stay
// as they are: they still need their turn. It returns how many records it
// changed.
func (v view) PurgeBefore(ctx context.Context, cutoff time.Time) (int, error) {
	var n int64
	err := v.inTx(ctx, func(tx view) error {
		intros, err := tx.exec(ctx, purgeIntroductions, tx.t(cutoff), tx.s.d.List(nil))
		if err != nil {
			return err
		}
		events, err := tx.exec(ctx, purgeEvents, tx.t(cutoff))
		if err != nil {
			return err
		}
		questions, err := tx.exec(ctx, purgeQuestions, tx.t(cutoff))
		if err != nil {
			return err
		}
		handoffs, err := tx.purgeHandoffs(ctx, cutoff)
		if err != nil {
			return err
		}
		signals, err := tx.exec(ctx, purgeSignals, tx.t(cutoff))
		if err != nil {
			return err
		}
		recipients, err := tx.exec(ctx, purgeRecipients, tx.t(cutoff))
		if err != nil {
			return err
		}
		followups, err := tx.exec(ctx, purgeFollowups, tx.t(cutoff))
		n = intros + events + questions + handoffs + signals + recipients + followups
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("purge data before %s: %w", cutoff.UTC().Format(time.RFC3339), err)
	}
	return int(n), nil
}
