package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/riverqueue/river"

	"github.com/amamibot/amamibot/store"
)

// Register takes a place at a seminar. Venue seats are taken by a
// conditional update, so the seminar's capacity holds under any
// concurrency; the unique index on active registrations stops a user's
// double registration, also when both arrive at once.
func (s *Store) Register(ctx context.Context, req store.RegisterRequest) (store.Registration, error) {
	reg, err := s.register(ctx, req)
	if isUniqueViolation(err, "registrations_active_key") {
		// A concurrent registration of the same user committed first.
		if reg, err = activeRegistration(ctx, s.pool, req.SeminarID, req.UserID); err == nil {
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
func (s *Store) register(ctx context.Context, req store.RegisterRequest) (store.Registration, error) {
	if req.Attendance != store.Venue && req.Attendance != store.Online {
		return store.Registration{}, fmt.Errorf("unknown attendance %q", req.Attendance)
	}
	now := req.Now.UTC()
	reg := store.Registration{
		SeminarID:  req.SeminarID,
		UserID:     req.UserID,
		Attendance: req.Attendance,
		Name:       req.Name,
		Company:    req.Company,
		Status:     store.Confirmed,
		CreatedAt:  now,
		UpdatedAt:  now,
	}
	var existing store.Registration
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// Checked first so that a registered user hears so rather than that
		// the venue is full; the unique index still decides races.
		var err error
		existing, err = activeRegistration(ctx, tx, req.SeminarID, req.UserID)
		if err == nil {
			return store.ErrAlreadyRegistered
		}
		if !errors.Is(err, store.ErrNotFound) {
			return err
		}

		if req.Attendance == store.Venue {
			reg.Seminar, err = takeSeat(ctx, tx, req.SeminarID)
		} else {
			reg.Seminar, err = seminar(ctx, tx, req.SeminarID)
		}
		full := errors.Is(err, store.ErrVenueFull)
		switch {
		case err != nil && !full:
			return err
		case req.Attendance == store.Venue && !reg.Seminar.HasVenue(),
			req.Attendance == store.Online && !reg.Seminar.HasOnline():
			return fmt.Errorf("the seminar has no %s attendance", req.Attendance)
		case full && !req.Waitlist:
			return err
		case full:
			reg.Status = store.Waitlisted
		}

		err = tx.QueryRow(ctx, insertRegistration,
			reg.SeminarID, reg.UserID, reg.Attendance, reg.Name, reg.Company, reg.Status, now,
		).Scan(&reg.ID)
		if err != nil {
			return err
		}
		if reg.Status == store.Confirmed {
			return s.insertJobsTx(ctx, tx, reminder(now, reg.Seminar, reg.ID))
		}
		return nil
	})
	switch {
	case errors.Is(err, store.ErrAlreadyRegistered):
		return existing, err
	case err != nil:
		return store.Registration{}, err
	}
	return reg, nil
}

// CancelRegistration cancels the user's active registration; a freed venue
// seat goes to the first on the waitlist in the same transaction.
func (s *Store) CancelRegistration(ctx context.Context, userID string, id int64, now time.Time) (store.CancelResult, error) {
	now = now.UTC()
	var res store.CancelResult
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var (
			seminarID  string
			attendance store.Attendance
			status     store.RegStatus
		)
		err := tx.QueryRow(ctx, lockActiveRegistration, id, userID).Scan(&seminarID, &attendance, &status)
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, setRegistrationStatus, id, store.Cancelled, now); err != nil {
			return err
		}
		if attendance == store.Venue && status == store.Confirmed {
			promoted, err := s.freeSeat(ctx, tx, seminarID, now)
			if err != nil {
				return err
			}
			if promoted != 0 {
				p, err := registration(ctx, tx, promoted)
				if err != nil {
					return err
				}
				res.Promoted = &p
			}
		}
		// Read last, so its seminar shows the seats as they now are.
		res.Cancelled, err = registration(ctx, tx, id)
		return err
	})
	if err != nil {
		return store.CancelResult{}, fmt.Errorf("cancel registration %d: %w", id, err)
	}
	return res, nil
}

// takeSeat takes a venue seat, or fails with ErrVenueFull (returning the
// seminar) or ErrNotFound.
func takeSeat(ctx context.Context, tx pgx.Tx, seminarID string) (store.Seminar, error) {
	rows, _ := tx.Query(ctx, reserveSeat, seminarID)
	m, err := pgx.CollectExactlyOneRow(rows, scanSeminar)
	if errors.Is(err, pgx.ErrNoRows) {
		if m, err = seminar(ctx, tx, seminarID); err != nil {
			return m, err
		}
		return m, store.ErrVenueFull
	}
	return m, err
}

// freeSeat gives back a venue seat and hands it to the first waitlisted
// attendee, if any, whom it tells by a PromotedArgs job. It returns the
// promoted registration's ID, or 0.
func (s *Store) freeSeat(ctx context.Context, tx pgx.Tx, seminarID string, now time.Time) (int64, error) {
	if _, err := tx.Exec(ctx, releaseSeat, seminarID); err != nil {
		return 0, err
	}
	return s.promote(ctx, tx, seminarID, now)
}

// promote gives a free venue seat, if there is one, to the first waitlisted
// attendee and tells them. It returns the promoted registration's ID, or 0.
func (s *Store) promote(ctx context.Context, tx pgx.Tx, seminarID string, now time.Time) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, lockFirstWaitlisted, seminarID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	// Conditional like any other seat: capacity may have been lowered below
	// the seats booked.
	m, err := takeSeat(ctx, tx, seminarID)
	if errors.Is(err, store.ErrVenueFull) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, setRegistrationStatus, id, store.Confirmed, now); err != nil {
		return 0, err
	}
	jobs := append([]river.InsertManyParams{{Args: store.PromotedArgs{RegistrationID: id}}}, reminder(now, m, id)...)
	return id, s.insertJobsTx(ctx, tx, jobs)
}

// reminder is the reminder job of registration id: none when its time has
// already passed.
func reminder(now time.Time, m store.Seminar, id int64) []river.InsertManyParams {
	if !store.ReminderAt(m).After(now) {
		return nil
	}
	return []river.InsertManyParams{{Args: store.ReminderArgs{RegistrationID: id}, InsertOpts: store.ReminderOpts(m)}}
}

// insertJobsTx inserts jobs that exist only if tx commits.
func (s *Store) insertJobsTx(ctx context.Context, tx pgx.Tx, jobs []river.InsertManyParams) error {
	if len(jobs) == 0 {
		return nil
	}
	_, err := s.jobs.InsertManyTx(ctx, tx, jobs)
	return err
}

func (s *Store) Registration(ctx context.Context, id int64) (store.Registration, error) {
	reg, err := registration(ctx, s.pool, id)
	if err != nil {
		return reg, fmt.Errorf("registration %d: %w", id, err)
	}
	return reg, nil
}

func (s *Store) UserRegistrations(ctx context.Context, userID string, now time.Time) ([]store.Registration, error) {
	rows, _ := s.pool.Query(ctx, selectUserRegistrations, userID, now)
	regs, err := pgx.CollectRows(rows, scanRegistration)
	if err != nil {
		return nil, fmt.Errorf("list the user's registrations: %w", err)
	}
	return regs, nil
}

func (s *Store) AllRegistrations(ctx context.Context) ([]store.Registration, error) {
	rows, _ := s.pool.Query(ctx, selectAllRegistrations)
	regs, err := pgx.CollectRows(rows, scanRegistration)
	if err != nil {
		return nil, fmt.Errorf("list registrations: %w", err)
	}
	return regs, nil
}

func registration(ctx context.Context, q querier, id int64) (store.Registration, error) {
	rows, _ := q.Query(ctx, selectRegistration, id)
	return oneRegistration(rows)
}

func activeRegistration(ctx context.Context, q querier, seminarID, userID string) (store.Registration, error) {
	rows, _ := q.Query(ctx, selectActiveRegistration, seminarID, userID)
	return oneRegistration(rows)
}

func oneRegistration(rows pgx.Rows) (store.Registration, error) {
	reg, err := pgx.CollectExactlyOneRow(rows, scanRegistration)
	if errors.Is(err, pgx.ErrNoRows) {
		return reg, store.ErrNotFound
	}
	return reg, err
}

func scanRegistration(row pgx.CollectableRow) (store.Registration, error) {
	var r store.Registration
	m := &r.Seminar
	err := row.Scan(
		&r.ID, &r.SeminarID, &r.UserID, &r.Attendance, &r.Name, &r.Company, &r.Status, &r.CreatedAt, &r.UpdatedAt,
		&m.ID, &m.Title, &m.StartsAt, &m.EndsAt, &m.Venue, &m.OnlineURL, &m.Capacity, &m.Booked,
	)
	return r, err
}

// isUniqueViolation reports whether err is a unique violation (SQLSTATE
// 23505) of the named constraint or index.
func isUniqueViolation(err error, constraint string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505" && pgErr.ConstraintName == constraint
}
