package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/amamibot/amamibot/match"
	"github.com/amamibot/amamibot/store"
)

var (
	_ store.Staffing      = (*Store)(nil)
	_ store.Consultations = (*Store)(nil)
)

// Staffing

func (s *Store) Introduction(ctx context.Context, id int64) (store.Introduction, error) {
	in, err := introduction(ctx, s.db, id)
	if err != nil {
		return store.Introduction{}, fmt.Errorf("introduction %d: %w", id, err)
	}
	return in, nil
}

func (s *Store) PendingIntroductions(ctx context.Context) ([]store.Introduction, error) {
	rows, err := s.db.QueryContext(ctx, sqlPendingIntroductions)
	if err != nil {
		return nil, fmt.Errorf("list pending introductions: %w", err)
	}
	defer rows.Close()
	var ins []store.Introduction
	for rows.Next() {
		var in store.Introduction
		if err := rows.Scan(introductionDetailDest(&in)...); err != nil {
			return nil, fmt.Errorf("list pending introductions: %w", err)
		}
		ins = append(ins, in)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list pending introductions: %w", err)
	}
	return ins, nil
}

// DecideIntroduction records the decision with a conditional update, so
// the first decision wins; the winner inserts the OwnerDecisionArgs and
// AlertUpdateArgs jobs in its transaction, a later decision gets the
// request as decided with ErrAlreadyDecided.
func (s *Store) DecideIntroduction(ctx context.Context, id int64, d store.Decision) (store.Introduction, error) {
	if d.Status != store.Approved && d.Status != store.Declined {
		return store.Introduction{}, fmt.Errorf("decide introduction %d: %q is not a decision", id, d.Status)
	}
	var in store.Introduction
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		decided, err := exec(ctx, tx, sqlDecideIntroduction, d.Status, d.By, dbTime(d.Now), id)
		if err != nil {
			return err
		}
		if in, err = introduction(ctx, tx, id); err != nil {
			return err
		}
		if !decided {
			return store.ErrAlreadyDecided
		}
		_, err = s.jobs.InsertManyTx(ctx, tx, []river.InsertManyParams{
			{Args: store.OwnerDecisionArgs{IntroductionID: id}},
			{Args: store.AlertUpdateArgs{IntroductionID: id}},
		})
		return err
	})
	switch {
	case errors.Is(err, store.ErrAlreadyDecided):
		return in, fmt.Errorf("decide introduction %d: %w", id, err)
	case err != nil:
		return store.Introduction{}, fmt.Errorf("decide introduction %d: %w", id, err)
	}
	return in, nil
}

// SetAlert records where the request's Slack alert was posted; recording it
// again overwrites it.
func (s *Store) SetAlert(ctx context.Context, id int64, channel, ts string) error {
	if channel == "" || ts == "" {
		return fmt.Errorf("set alert of introduction %d: channel and ts are both needed", id)
	}
	res, err := s.db.ExecContext(ctx, sqlSetAlert, channel, ts, id)
	if err != nil {
		return fmt.Errorf("set alert of introduction %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("set alert of introduction %d: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("set alert of introduction %d: %w", id, store.ErrNotFound)
	}
	return nil
}

func (s *Store) Talent(ctx context.Context, id string) (match.Talent, error) {
	var t match.Talent
	err := s.db.QueryRowContext(ctx, sqlTalent, id).Scan(&t.ID, &t.DisplayName, &t.Headline, listDest{&t.Skills},
		listDest{&t.Categories}, &t.YearsExperience, &t.WorkStyle, &t.Region, &t.HoursPerMonth, &t.Bio)
	if errors.Is(err, sql.ErrNoRows) {
		return match.Talent{}, fmt.Errorf("talent %q: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return match.Talent{}, fmt.Errorf("read talent %q: %w", id, err)
	}
	return t, nil
}

// SeminarRegistrations lists a seminar's registrations, all statuses, by
// creation: none for a seminar without any, ErrNotFound for an unknown one.
func (s *Store) SeminarRegistrations(ctx context.Context, seminarID string) ([]store.Registration, error) {
	regs, err := s.registrations(ctx, sqlSeminarRegistrations, seminarID)
	if err != nil {
		return nil, fmt.Errorf("list the registrations of seminar %s: %w", seminarID, err)
	}
	if len(regs) == 0 {
		// Seminars are never deleted: one that exists now existed for the
		// query above.
		if _, err := seminar(ctx, s.db, seminarID); err != nil {
			return nil, fmt.Errorf("list the registrations of seminar %s: %w", seminarID, err)
		}
	}
	return regs, nil
}

func introduction(ctx context.Context, q querier, id int64) (store.Introduction, error) {
	var in store.Introduction
	err := q.QueryRowContext(ctx, sqlIntroduction, id).Scan(introductionDetailDest(&in)...)
	if errors.Is(err, sql.ErrNoRows) {
		return in, store.ErrNotFound
	}
	return in, err
}

// introductionDetailDest is where a row of introductionDetailSelect goes.
func introductionDetailDest(in *store.Introduction) []any {
	return append(introductionDest(in), &in.DecidedBy, nullTimeDest{&in.DecidedAt}, &in.AlertChannel, &in.AlertTS,
		&in.Owner.UserID, &in.Owner.Company, &in.Owner.Contact, nullTimeDest{&in.Owner.UpdatedAt})
}

// nullTimeDest scans a stored time that may be NULL, which is the zero time.
type nullTimeDest struct{ t *time.Time }

func (d nullTimeDest) Scan(v any) error {
	if v == nil {
		*d.t = time.Time{}
		return nil
	}
	return timeDest(d).Scan(v)
}

// Consultations

func (s *Store) UpsertSlots(ctx context.Context, slots []store.Slot) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, sqlUpsertSlot)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, sl := range slots {
			if _, err := stmt.ExecContext(ctx, sl.ID, dbTime(sl.StartsAt), dbTime(sl.EndsAt), sl.Host, sl.Mode); err != nil {
				return fmt.Errorf("slot %q: %w", sl.ID, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("upsert slots: %w", err)
	}
	return nil
}

func (s *Store) Slot(ctx context.Context, id string) (store.Slot, error) {
	sl, err := slot(ctx, s.db, id)
	if err != nil {
		return store.Slot{}, fmt.Errorf("slot %s: %w", id, err)
	}
	return sl, nil
}

// AvailableSlots lists up to limit slots starting after now with no active
// booking, soonest first; limit <= 0 lists all.
func (s *Store) AvailableSlots(ctx context.Context, now time.Time, limit int) ([]store.Slot, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := s.db.QueryContext(ctx, sqlAvailableSlots, dbTime(now), limit)
	if err != nil {
		return nil, fmt.Errorf("list available slots: %w", err)
	}
	defer rows.Close()
	var slots []store.Slot
	for rows.Next() {
		var sl store.Slot
		if err := rows.Scan(slotDest(&sl)...); err != nil {
			return nil, fmt.Errorf("list available slots: %w", err)
		}
		slots = append(slots, sl)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list available slots: %w", err)
	}
	return slots, nil
}

// BookSlot books a slot that has not started; the unique index on active
// bookings refuses a second one (ErrSlotTaken). The BookingNoticeArgs job,
// and the BookingReminderArgs job when its time is after now, are inserted
// in the booking's transaction.
func (s *Store) BookSlot(ctx context.Context, req store.BookRequest) (store.Booking, error) {
	var b store.Booking
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		sl, err := slot(ctx, tx, req.SlotID)
		if err != nil {
			return err
		}
		if !sl.StartsAt.After(req.Now) {
			return fmt.Errorf("the slot has started: %w", store.ErrNotFound)
		}
		introID := sql.NullInt64{Int64: req.IntroductionID, Valid: req.IntroductionID != 0} // NULL: booked from the menu
		var id int64
		err = tx.QueryRowContext(ctx, sqlInsertBooking, sl.ID, req.UserID, introID, dbTime(req.Now)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrSlotTaken
		}
		if err != nil {
			return err
		}
		jobs := []river.InsertManyParams{{Args: store.BookingNoticeArgs{BookingID: id, Status: store.Booked}}}
		if store.BookingReminderAt(sl).After(req.Now) {
			jobs = append(jobs, river.InsertManyParams{Args: store.BookingReminderArgs{BookingID: id}, InsertOpts: bookingReminderOpts(sl)})
		}
		if _, err := s.jobs.InsertManyTx(ctx, tx, jobs); err != nil {
			return err
		}
		b, err = booking(ctx, tx, id)
		return err
	})
	if err != nil {
		return store.Booking{}, fmt.Errorf("book slot %s: %w", req.SlotID, err)
	}
	return b, nil
}

// bookingReminderOpts schedules a booking's reminder, unique per booking.
func bookingReminderOpts(sl store.Slot) *river.InsertOpts {
	return &river.InsertOpts{
		ScheduledAt: store.BookingReminderAt(sl),
		UniqueOpts:  river.UniqueOpts{ByArgs: true},
	}
}

// CancelBooking cancels the user's active booking, freeing the slot, and
// inserts the BookingNoticeArgs job in the same transaction.
func (s *Store) CancelBooking(ctx context.Context, userID string, id int64, now time.Time) (store.Booking, error) {
	var b store.Booking
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		cancelled, err := exec(ctx, tx, sqlCancelBooking, dbTime(now), id, userID)
		if err != nil {
			return err
		}
		if !cancelled {
			return store.ErrNotFound
		}
		if _, err := s.jobs.InsertTx(ctx, tx, store.BookingNoticeArgs{BookingID: id, Status: store.BookingCanceled}, nil); err != nil {
			return err
		}
		b, err = booking(ctx, tx, id)
		return err
	})
	if err != nil {
		return store.Booking{}, fmt.Errorf("cancel booking %d: %w", id, err)
	}
	return b, nil
}

func (s *Store) Booking(ctx context.Context, id int64) (store.Booking, error) {
	b, err := booking(ctx, s.db, id)
	if err != nil {
		return store.Booking{}, fmt.Errorf("booking %d: %w", id, err)
	}
	return b, nil
}

func (s *Store) UserBookings(ctx context.Context, userID string, now time.Time) ([]store.Booking, error) {
	bs, err := s.bookings(ctx, sqlUserBookings, userID, dbTime(now))
	if err != nil {
		return nil, fmt.Errorf("list a user's bookings: %w", err)
	}
	return bs, nil
}

func (s *Store) UpcomingBookings(ctx context.Context, now time.Time) ([]store.Booking, error) {
	bs, err := s.bookings(ctx, sqlUpcomingBookings, dbTime(now))
	if err != nil {
		return nil, fmt.Errorf("list upcoming bookings: %w", err)
	}
	return bs, nil
}

func (s *Store) AllBookings(ctx context.Context) ([]store.Booking, error) {
	bs, err := s.bookings(ctx, sqlAllBookings)
	if err != nil {
		return nil, fmt.Errorf("list bookings: %w", err)
	}
	return bs, nil
}

func (s *Store) bookings(ctx context.Context, query string, args ...any) ([]store.Booking, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var bs []store.Booking
	for rows.Next() {
		var b store.Booking
		if err := rows.Scan(bookingDest(&b)...); err != nil {
			return nil, err
		}
		bs = append(bs, b)
	}
	return bs, rows.Err()
}

func slot(ctx context.Context, q querier, id string) (store.Slot, error) {
	var sl store.Slot
	err := q.QueryRowContext(ctx, sqlSlot, id).Scan(slotDest(&sl)...)
	if errors.Is(err, sql.ErrNoRows) {
		return sl, store.ErrNotFound
	}
	return sl, err
}

// slotDest is where a row of slotColumns goes.
func slotDest(sl *store.Slot) []any {
	return []any{&sl.ID, timeDest{&sl.StartsAt}, timeDest{&sl.EndsAt}, &sl.Host, &sl.Mode}
}

func booking(ctx context.Context, q querier, id int64) (store.Booking, error) {
	var b store.Booking
	err := q.QueryRowContext(ctx, sqlBooking, id).Scan(bookingDest(&b)...)
	if errors.Is(err, sql.ErrNoRows) {
		return b, store.ErrNotFound
	}
	return b, err
}

// bookingDest is where a row of bookingSelect goes.
func bookingDest(b *store.Booking) []any {
	dest := []any{&b.ID, &b.SlotID, &b.UserID, &b.IntroductionID, &b.Status, timeDest{&b.CreatedAt}}
	dest = append(dest, slotDest(&b.Slot)...)
	return append(dest, &b.Owner.UserID, &b.Owner.Company, &b.Owner.Contact, nullTimeDest{&b.Owner.UpdatedAt})
}
