package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/amamibot/amamibot/store"
)

// UpsertSeminars creates or updates the seminars in one transaction; seats
// an update adds are offered to the waitlist, first come first.
func (v view) UpsertSeminars(ctx context.Context, seminars []store.Seminar) error {
	err := v.inTx(ctx, func(tx view) error {
		for _, m := range seminars {
			_, err := tx.exec(ctx, upsertSeminar, m.ID, m.Title, tx.t(m.StartsAt), tx.t(m.EndsAt), m.Venue, m.OnlineURL, m.Capacity,
				m.Fee, m.Description, m.Series)
			if err != nil {
				return fmt.Errorf("seminar %q: %w", m.ID, err)
			}
		}
		now := time.Now()
		for _, m := range seminars {
			for {
				offered, err := tx.offer(ctx, m.ID, now)
				if err != nil {
					return fmt.Errorf("seminar %q: offer seats to the waitlist: %w", m.ID, err)
				}
				if offered == 0 {
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
func (v view) UpcomingSeminars(ctx context.Context, now time.Time, limit int) ([]store.Seminar, error) {
	if limit <= 0 {
		limit = math.MaxInt32
	}
	seminars, err := list(ctx, v, seminarDest, selectUpcomingSeminars, v.t(now), limit)
	if err != nil {
		return nil, fmt.Errorf("list upcoming seminars: %w", err)
	}
	return seminars, nil
}

func (v view) Seminar(ctx context.Context, id string) (store.Seminar, error) {
	m, err := one(ctx, v, seminarDest, selectSeminar, id)
	if err != nil {
		return store.Seminar{}, fmt.Errorf("seminar %q: %w", id, err)
	}
	return m, nil
}

// Register takes a place at a seminar. Venue seats are taken by a
// conditional update, so the seminar's capacity holds under any
// concurrency; the unique index on active registrations stops a user's
// double registration, also when both arrive at once.
func (v view) Register(ctx context.Context, req store.RegisterRequest) (store.Registration, error) {
	reg, err := v.register(ctx, req)
	if v.s.d.UniqueViolation(err, "registrations_active_key") {
		// A concurrent registration of the same user committed first.
		if reg, err = one(ctx, v, registrationDest, selectActiveRegistration, req.SeminarID, req.UserID); err == nil {
			err = store.ErrAlreadyRegistered
		}
	}
	if err != nil {
		return reg, fmt.Errorf("register for seminar %q: %w", req.SeminarID, err)
	}
	return reg, nil
}

// register returns the registration it made, or the one already there with
// ErrAlreadyRegistered.
func (v view) register(ctx context.Context, req store.RegisterRequest) (store.Registration, error) {
	if req.Attendance != store.Venue && req.Attendance != store.Online {
		return store.Registration{}, fmt.Errorf("unknown attendance %q", req.Attendance)
	}
	now := req.Now.UTC().Truncate(time.Microsecond)
	reg := store.Registration{
		SeminarID: req.SeminarID, UserID: req.UserID, Attendance: req.Attendance,
		Name: req.Name, Company: req.Company, Status: store.Confirmed, CreatedAt: now, UpdatedAt: now,
	}
	var existing store.Registration
	err := v.inTx(ctx, func(tx view) error {
		// Checked first so that a registered user hears so rather than that
		// the venue is full; the unique index still decides races.
		var err error
		existing, err = one(ctx, tx, registrationDest, selectActiveRegistration, req.SeminarID, req.UserID)
		if err == nil {
			return store.ErrAlreadyRegistered
		}
		if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if reg.Seminar, err = tx.Seminar(ctx, req.SeminarID); err != nil {
			return err
		}
		switch m := reg.Seminar; {
		case req.Attendance == store.Venue && !m.HasVenue(), req.Attendance == store.Online && !m.HasOnline():
			return fmt.Errorf("the seminar has no %s attendance", req.Attendance)
		case req.Attendance == store.Venue:
			took, err := tx.takeSeat(ctx, &reg.Seminar)
			switch {
			case err != nil:
				return err
			case !took && !req.Waitlist:
				return store.ErrVenueFull
			case !took:
				reg.Status = store.Waitlisted
			}
		}
		err = tx.row(ctx, insertRegistration, []any{reg.SeminarID, reg.UserID, reg.Attendance, reg.Name, reg.Company,
			reg.Status, tx.t(now)}, &reg.ID)
		if err != nil || reg.Status != store.Confirmed {
			return err
		}
		return tx.insertJobs(ctx, tx.reminders(now, reg.Seminar, reg.Attendance, reg.ID)...)
	})
	switch {
	case errors.Is(err, store.ErrAlreadyRegistered):
		return existing, err
	case err != nil:
		return store.Registration{}, err
	}
	return reg, nil
}

// takeSeat takes a venue seat of m, if one is left, and counts it in m.
func (v view) takeSeat(ctx context.Context, m *store.Seminar) (bool, error) {
	n, err := v.exec(ctx, takeSeat, m.ID)
	if n > 0 {
		m.Booked++
	}
	return n > 0, err
}

// CancelRegistration cancels the user's active registration; a freed venue
// seat goes to the first on the waitlist in the same transaction.
func (v view) CancelRegistration(ctx context.Context, userID string, id int64, now time.Time) (store.CancelResult, error) {
	now = now.UTC().Truncate(time.Microsecond)
	var res store.CancelResult
	err := v.inTx(ctx, func(tx view) error {
		var (
			seminarID  string
			attendance store.Attendance
			status     store.RegStatus
			offer      time.Time
		)
		if err := tx.row(ctx, lockActiveRegistration, []any{id, userID}, &seminarID, &attendance, &status, timeDest{&offer}); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, setRegistrationStatus, id, store.Canceled, tx.t(now)); err != nil {
			return err
		}
		if err := tx.cancelReminders(ctx, id); err != nil {
			return err
		}
		// A confirmed venue seat, or one held by an offer, goes to the next.
		if attendance == store.Venue && (status == store.Confirmed || !offer.IsZero()) {
			var err error
			if res.Offered, err = tx.passSeat(ctx, seminarID, now); err != nil {
				return err
			}
		}
		// Read last, so its seminar shows the seats as they now are.
		var err error
		res.Cancelled, err = tx.Registration(ctx, id)
		return err
	})
	if err != nil {
		return store.CancelResult{}, fmt.Errorf("cancel registration %d: %w", id, err)
	}
	return res, nil
}

func (v view) Registration(ctx context.Context, id int64) (store.Registration, error) {
	reg, err := one(ctx, v, registrationDest, selectRegistration, id)
	if err != nil {
		return reg, fmt.Errorf("registration %d: %w", id, err)
	}
	return reg, nil
}

func (v view) UserRegistrations(ctx context.Context, userID string, now time.Time) ([]store.Registration, error) {
	regs, err := list(ctx, v, registrationDest, selectUserRegistrations, userID, v.t(now))
	if err != nil {
		return nil, fmt.Errorf("list the user's registrations: %w", err)
	}
	return regs, nil
}

func (v view) AllRegistrations(ctx context.Context) ([]store.Registration, error) {
	regs, err := list(ctx, v, registrationDest, selectAllRegistrations)
	if err != nil {
		return nil, fmt.Errorf("list registrations: %w", err)
	}
	return regs, nil
}

// SeminarRegistrations lists a seminar's registrations, all statuses, by
// creation: none for a seminar without any, ErrNotFound for an unknown one.
func (v view) SeminarRegistrations(ctx context.Context, seminarID string) ([]store.Registration, error) {
	regs, err := list(ctx, v, registrationDest, selectSeminarRegistrations, seminarID)
	if err != nil {
		return nil, fmt.Errorf("list the registrations of seminar %q: %w", seminarID, err)
	}
	if len(regs) == 0 {
		// Seminars are never deleted: one that exists now existed for the
		// query above.
		if _, err := v.Seminar(ctx, seminarID); err != nil {
			return nil, fmt.Errorf("list the registrations: %w", err)
		}
	}
	return regs, nil
}

// seminarDest is where a row of seminarColumns goes.
func seminarDest(m *store.Seminar) []any {
	return []any{&m.ID, &m.Title, timeDest{&m.StartsAt}, timeDest{&m.EndsAt}, &m.Venue, &m.OnlineURL, &m.Capacity, &m.Booked,
		&m.Fee, &m.Description, &m.Series}
}

// registrationDest is where a row of registrationSelect goes.
func registrationDest(r *store.Registration) []any {
	return append([]any{&r.ID, &r.SeminarID, &r.UserID, &r.Attendance, &r.Name, &r.Company, &r.Status,
		timeDest{&r.CreatedAt}, timeDest{&r.UpdatedAt}, timeDest{&r.OfferExpiresAt}}, seminarDest(&r.Seminar)...)
}
