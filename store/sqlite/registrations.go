package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/amamibot/amamibot/store"
)

func (s *Store) Register(ctx context.Context, req store.RegisterRequest) (store.Registration, error) {
	var reg store.Registration
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		sem, err := seminar(ctx, tx, req.SeminarID)
		if err != nil {
			return err
		}
		if err := checkAttendance(sem, req.Attendance); err != nil {
			return err
		}
		reg, err = registration(ctx, tx, sqlActiveRegistration, req.SeminarID, req.UserID)
		if err == nil {
			return store.ErrAlreadyRegistered
		}
		if !errors.Is(err, store.ErrNotFound) {
			return err
		}

		status := store.Confirmed
		if req.Attendance == store.Venue {
			took, err := exec(ctx, tx, sqlTakeSeat, sem.ID)
			switch {
			case err != nil:
				return err
			case took:
				sem.Booked++
			case req.Waitlist:
				status = store.Waitlisted
			default:
				return store.ErrVenueFull
			}
		}

		reg = store.Registration{
			SeminarID:  sem.ID,
			UserID:     req.UserID,
			Attendance: req.Attendance,
			Name:       req.Name,
			Company:    req.Company,
			Status:     status,
			CreatedAt:  req.Now.UTC().Truncate(time.Microsecond),
			UpdatedAt:  req.Now.UTC().Truncate(time.Microsecond),
			Seminar:    sem,
		}
		err = tx.QueryRowContext(ctx, sqlInsertRegistration, reg.SeminarID, reg.UserID, reg.Attendance,
			reg.Name, reg.Company, reg.Status, dbTime(reg.CreatedAt), dbTime(reg.UpdatedAt)).Scan(&reg.ID)
		if err != nil {
			return err
		}
		if status == store.Confirmed {
			return s.remind(ctx, tx, reg, req.Now)
		}
		return nil
	})
	if errors.Is(err, store.ErrAlreadyRegistered) {
		return reg, fmt.Errorf("register for seminar %s: %w", req.SeminarID, err)
	}
	if err != nil {
		return store.Registration{}, fmt.Errorf("register for seminar %s: %w", req.SeminarID, err)
	}
	return reg, nil
}

func checkAttendance(sem store.Seminar, a store.Attendance) error {
	switch {
	case a == store.Venue && !sem.HasVenue():
		return errors.New("the seminar has no venue")
	case a == store.Online && !sem.HasOnline():
		return errors.New("the seminar is not online")
	case a != store.Venue && a != store.Online:
		return fmt.Errorf("unknown attendance %q", a)
	}
	return nil
}

// remind schedules the reminder of a confirmed registration, unless its
// time has passed.
func (s *Store) remind(ctx context.Context, tx *sql.Tx, reg store.Registration, now time.Time) error {
	if !store.ReminderAt(reg.Seminar).After(now) {
		return nil
	}
	_, err := s.jobs.InsertTx(ctx, tx, store.ReminderArgs{RegistrationID: reg.ID}, store.ReminderOpts(reg.Seminar))
	return err
}

func (s *Store) CancelRegistration(ctx context.Context, userID string, id int64, now time.Time) (store.CancelResult, error) {
	var res store.CancelResult
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		reg, err := registration(ctx, tx, sqlUserActiveRegistration, id, userID)
		if err != nil {
			return err
		}
		wasSeated := reg.Status == store.Confirmed && reg.Attendance == store.Venue
		reg.Status, reg.UpdatedAt = store.Cancelled, now.UTC().Truncate(time.Microsecond)
		if _, err := exec(ctx, tx, sqlSetRegistrationStatus, reg.Status, dbTime(reg.UpdatedAt), reg.ID); err != nil {
			return err
		}
		res.Cancelled = reg
		if !wasSeated {
			return nil
		}
		if _, err := exec(ctx, tx, sqlFreeSeat, reg.SeminarID); err != nil {
			return err
		}
		promoted, err := s.promote(ctx, tx, reg.SeminarID, now)
		if err != nil {
			return err
		}
		res.Promoted = promoted
		return nil
	})
	if err != nil {
		return store.CancelResult{}, fmt.Errorf("cancel registration %d: %w", id, err)
	}
	return res, nil
}

// promote gives a free venue seat, if there is one (the capacity may have
// shrunk), to the first waitlisted attendee and tells them.
func (s *Store) promote(ctx context.Context, tx *sql.Tx, seminarID string, now time.Time) (*store.Registration, error) {
	reg, err := registration(ctx, tx, sqlFirstWaitlisted, seminarID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	took, err := exec(ctx, tx, sqlTakeSeat, seminarID)
	if err != nil || !took {
		return nil, err
	}
	reg.Seminar.Booked++
	reg.Status, reg.UpdatedAt = store.Confirmed, now.UTC().Truncate(time.Microsecond)
	if _, err := exec(ctx, tx, sqlSetRegistrationStatus, reg.Status, dbTime(reg.UpdatedAt), reg.ID); err != nil {
		return nil, err
	}
	if _, err := s.jobs.InsertTx(ctx, tx, store.PromotedArgs{RegistrationID: reg.ID}, nil); err != nil {
		return nil, err
	}
	if err := s.remind(ctx, tx, reg, now); err != nil {
		return nil, err
	}
	return &reg, nil
}

func (s *Store) Registration(ctx context.Context, id int64) (store.Registration, error) {
	reg, err := registration(ctx, s.db, sqlRegistration, id)
	if err != nil {
		return store.Registration{}, fmt.Errorf("registration %d: %w", id, err)
	}
	return reg, nil
}

func (s *Store) UserRegistrations(ctx context.Context, userID string, now time.Time) ([]store.Registration, error) {
	regs, err := s.registrations(ctx, sqlUserRegistrations, userID, dbTime(now))
	if err != nil {
		return nil, fmt.Errorf("list a user's registrations: %w", err)
	}
	return regs, nil
}

func (s *Store) AllRegistrations(ctx context.Context) ([]store.Registration, error) {
	regs, err := s.registrations(ctx, sqlAllRegistrations)
	if err != nil {
		return nil, fmt.Errorf("list registrations: %w", err)
	}
	return regs, nil
}

func (s *Store) registrations(ctx context.Context, query string, args ...any) ([]store.Registration, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var regs []store.Registration
	for rows.Next() {
		var reg store.Registration
		if err := rows.Scan(registrationDest(&reg)...); err != nil {
			return nil, err
		}
		regs = append(regs, reg)
	}
	return regs, rows.Err()
}

// registration runs a query for one registration (registrationSelect).
func registration(ctx context.Context, q querier, query string, args ...any) (store.Registration, error) {
	var reg store.Registration
	err := q.QueryRowContext(ctx, query, args...).Scan(registrationDest(&reg)...)
	if errors.Is(err, sql.ErrNoRows) {
		return reg, store.ErrNotFound
	}
	return reg, err
}

// registrationDest is where a row of registrationSelect goes.
func registrationDest(r *store.Registration) []any {
	return append([]any{&r.ID, &r.SeminarID, &r.UserID, &r.Attendance, &r.Name, &r.Company, &r.Status,
		timeDest{&r.CreatedAt}, timeDest{&r.UpdatedAt}}, seminarDest(&r.Seminar)...)
}

// exec runs a statement and reports whether it changed a row.
func exec(ctx context.Context, tx *sql.Tx, query string, args ...any) (bool, error) {
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}
