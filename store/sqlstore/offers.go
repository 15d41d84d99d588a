package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/amamibot/amamibot/store"
)

const (
	setOffer = `UPDATE registrations SET offer_expires_at = $2, updated_at = $3 WHERE id = $1`

	// lockOffer locks the user's registration to claim (user_id = '' for
	// the expiry job, which acts for nobody).
	lockOffer = `
SELECT seminar_id, status, offer_expires_at FROM registrations
WHERE id = $1 AND (user_id = $2 OR $2 = '')
FOR UPDATE`
)

// offer holds a free venue seat of the seminar, if there is one, for the
// first waitlisted attendee without an offer, until the window ends (or
// the seminar starts), and asks them (OfferArgs), the expiry job waiting
// for the window's end. It returns the registration offered the seat, or 0.
func (v view) offer(ctx context.Context, seminarID string, now time.Time) (int64, error) {
	var id int64
	err := v.row(ctx, lockFirstWaitlisted, []any{seminarID}, &id)
	if errors.Is(err, store.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	m, err := v.Seminar(ctx, seminarID)
	if err != nil {
		return 0, err
	}
	expires := now.Add(v.s.offerWindow)
	if m.StartsAt.Before(expires) {
		expires = m.StartsAt
	}
	expires = expires.UTC().Truncate(time.Microsecond)
	if !expires.After(now) {
		return 0, nil // the seminar has begun: nobody can come any more
	}
	// Conditional like any other seat: capacity may have been lowered below
	// the seats booked.
	if took, err := v.takeSeat(ctx, &m); err != nil || !took {
		return 0, err
	}
	if _, err := v.exec(ctx, setOffer, id, v.t(expires), v.t(now)); err != nil {
		return 0, err
	}
	return id, v.insertJobs(ctx,
		river.InsertManyParams{Args: store.OfferArgs{RegistrationID: id}},
		river.InsertManyParams{Args: store.OfferExpiryArgs{RegistrationID: id}, InsertOpts: &river.InsertOpts{ScheduledAt: expires}},
	)
}

// passSeat releases a venue seat of the seminar and offers it to the next
// on the waitlist; it returns who was offered it, if anyone.
func (v view) passSeat(ctx context.Context, seminarID string, now time.Time) (*store.Registration, error) {
	if _, err := v.exec(ctx, releaseSeat, seminarID); err != nil {
		return nil, err
	}
	id, err := v.offer(ctx, seminarID, now)
	if err != nil || id == 0 {
		return nil, err
	}
	r, err := v.Registration(ctx, id)
	return &r, err
}

// lockOffered locks registration id (the user's, unless userID is empty)
// and tells whether it holds an offer, and whether that offer has lapsed at
// now (the lapse is done: the seat has passed on).
func (v view) lockOffered(ctx context.Context, userID string, id int64, now time.Time) (status store.RegStatus, lapsed bool, err error) {
	var (
		seminarID string
		expires   time.Time
	)
	if err := v.row(ctx, lockOffer, []any{id, userID}, &seminarID, &status, timeDest{&expires}); err != nil {
		return "", false, err
	}
	switch {
	case expires.IsZero():
		return status, false, nil
	case status == store.Canceled:
		return status, now.After(expires), nil // declined or lapsed earlier
	case status != store.Waitlisted || now.Before(expires):
		return status, false, nil
	}
	if _, err := v.exec(ctx, setRegistrationStatus, id, store.Canceled, v.t(now)); err != nil {
		return "", false, err
	}
	_, err = v.passSeat(ctx, seminarID, now)
	return store.Canceled, true, err
}

func (v view) ClaimOffer(ctx context.Context, userID string, id int64, now time.Time) (store.Registration, error) {
	now = now.UTC().Truncate(time.Microsecond)
	var lapsed bool
	err := v.inTx(ctx, func(tx view) error {
		status, gone, err := tx.lockOffered(ctx, userID, id, now)
		switch {
		case err != nil:
			return err
		case gone:
			lapsed = true // committed: the seat passes on whatever the caller does
			return nil
		case status == store.Confirmed:
			return nil
		}
		reg, err := tx.Registration(ctx, id)
		if err != nil {
			return err
		}
		if !reg.HoldsOffer() {
			return store.ErrNotFound
		}
		if _, err := tx.exec(ctx, setRegistrationStatus, id, store.Confirmed, tx.t(now)); err != nil {
			return err
		}
		return tx.insertJobs(ctx, tx.reminders(now, reg.Seminar, store.Venue, id)...)
	})
	if lapsed {
		err = store.ErrOfferLapsed
	}
	if err != nil {
		return store.Registration{}, fmt.Errorf("claim the seat offered to registration %d: %w", id, err)
	}
	return v.Registration(ctx, id)
}

func (v view) ExpireOffer(ctx context.Context, id int64, now time.Time) error {
	err := v.inTx(ctx, func(tx view) error {
		_, _, err := tx.lockOffered(ctx, "", id, now.UTC().Truncate(time.Microsecond))
		return err
	})
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("expire the offer to registration %d: %w", id, err)
	}
	return nil
}
