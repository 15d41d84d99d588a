package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/amamibot/amamibot/match"
	"github.com/amamibot/amamibot/store"
)

var (
	_ store.Staffing      = (*Store)(nil)
	_ store.Consultations = (*Store)(nil)
)

// Staffing

// Introduction returns one request with its decision, its alert and its
// owner, or ErrNotFound.
func (s *Store) Introduction(ctx context.Context, id int64) (store.Introduction, error) {
	in, err := introduction(ctx, s.pool, id)
	if err != nil {
		return store.Introduction{}, fmt.Errorf("introduction %d: %w", id, err)
	}
	return in, nil
}

// PendingIntroductions lists the requests awaiting a decision, oldest first.
func (s *Store) PendingIntroductions(ctx context.Context) ([]store.Introduction, error) {
	rows, _ := s.pool.Query(ctx, selectPendingIntroductions)
	ins, err := pgx.CollectRows(rows, scanIntroductionDetail)
	if err != nil {
		return nil, fmt.Errorf("list pending introductions: %w", err)
	}
	return ins, nil
}

// DecideIntroduction records the decision with a conditional update: of
// concurrent decisions, on any replica, the first to commit wins and
// inserts the OwnerDecisionArgs and AlertUpdateArgs jobs in its
// transaction; the others wait for it, update nothing and return the
// request as decided with ErrAlreadyDecided.
func (s *Store) DecideIntroduction(ctx context.Context, id int64, d store.Decision) (store.Introduction, error) {
	if d.Status != store.Approved && d.Status != store.Declined {
		return store.Introduction{}, fmt.Errorf("decide introduction %d: %q is not a decision", id, d.Status)
	}
	var in store.Introduction
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, decideIntroduction, id, d.Status, d.By, d.Now.UTC().Truncate(time.Microsecond))
		if err != nil {
			return err
		}
		// Read in the transaction: the winner sees its own decision; a
		// loser, whose update waited for the winner's commit, sees that.
		if in, err = introduction(ctx, tx, id); err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return store.ErrAlreadyDecided
		}
		return s.insertJobsTx(ctx, tx, []river.InsertManyParams{
			{Args: store.OwnerDecisionArgs{IntroductionID: id}},
			{Args: store.AlertUpdateArgs{IntroductionID: id}},
		})
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
	tag, err := s.pool.Exec(ctx, setAlert, id, channel, ts)
	if err != nil {
		return fmt.Errorf("set alert of introduction %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("set alert of introduction %d: %w", id, store.ErrNotFound)
	}
	return nil
}

// Talent returns one professional of the pool, or ErrNotFound.
func (s *Store) Talent(ctx context.Context, id string) (match.Talent, error) {
	rows, _ := s.pool.Query(ctx, selectTalent, id)
	t, err := pgx.CollectExactlyOneRow(rows, scanTalentRow)
	if errors.Is(err, pgx.ErrNoRows) {
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
	rows, _ := s.pool.Query(ctx, selectSeminarRegistrations, seminarID)
	regs, err := pgx.CollectRows(rows, scanRegistration)
	if err != nil {
		return nil, fmt.Errorf("list the registrations of seminar %q: %w", seminarID, err)
	}
	if len(regs) == 0 {
		// Seminars are never deleted: one that exists now existed for the
		// query above.
		if _, err := seminar(ctx, s.pool, seminarID); err != nil {
			return nil, fmt.Errorf("list the registrations: %w", err)
		}
	}
	return regs, nil
}

func introduction(ctx context.Context, q querier, id int64) (store.Introduction, error) {
	rows, _ := q.Query(ctx, selectIntroduction, id)
	in, err := pgx.CollectExactlyOneRow(rows, scanIntroductionDetail)
	if errors.Is(err, pgx.ErrNoRows) {
		return in, store.ErrNotFound
	}
	return in, err
}

// scanIntroductionDetail scans a row of introductionDetail.
func scanIntroductionDetail(row pgx.CollectableRow) (store.Introduction, error) {
	var (
		in                 store.Introduction
		decided, ownerTime *time.Time
	)
	o := &in.Owner
	err := row.Scan(&in.ID, &in.UserID, &in.TalentID, &in.Problem, &in.Category, &in.Reasons, &in.Status, &in.CreatedAt,
		&in.DecidedBy, &decided, &in.AlertChannel, &in.AlertTS,
		&o.UserID, &o.Company, &o.Contact, &ownerTime)
	in.DecidedAt, o.UpdatedAt = timeOrZero(decided), timeOrZero(ownerTime)
	return in, err
}

func scanTalentRow(row pgx.CollectableRow) (match.Talent, error) {
	var t match.Talent
	err := row.Scan(&t.ID, &t.DisplayName, &t.Headline, &t.Skills, &t.Categories,
		&t.YearsExperience, &t.WorkStyle, &t.Region, &t.HoursPerMonth, &t.Bio)
	return t, err
}

// timeOrZero is a nullable time's value, the zero time for NULL.
func timeOrZero(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// Consultations

// UpsertSlots creates or updates the slots in one transaction.
func (s *Store) UpsertSlots(ctx context.Context, slots []store.Slot) error {
	var batch pgx.Batch
	for _, sl := range slots {
		batch.Queue(upsertSlot, sl.ID, sl.StartsAt.UTC(), sl.EndsAt.UTC(), sl.Host, sl.Mode)
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		return tx.SendBatch(ctx, &batch).Close()
	})
	if err != nil {
		return fmt.Errorf("upsert slots: %w", err)
	}
	return nil
}

func (s *Store) Slot(ctx context.Context, id string) (store.Slot, error) {
	sl, err := slot(ctx, s.pool, id)
	if err != nil {
		return store.Slot{}, fmt.Errorf("slot %q: %w", id, err)
	}
	return sl, nil
}

// AvailableSlots lists up to limit slots starting after now with no active
// booking, soonest first; limit <= 0 lists all.
func (s *Store) AvailableSlots(ctx context.Context, now time.Time, limit int) ([]store.Slot, error) {
	var n *int // NULL: no limit
	if limit > 0 {
		n = &limit
	}
	rows, _ := s.pool.Query(ctx, selectAvailableSlots, now, n)
	slots, err := pgx.CollectRows(rows, scanSlot)
	if err != nil {
		return nil, fmt.Errorf("list available slots: %w", err)
	}
	return slots, nil
}

// BookSlot books a slot that has not started. The unique index on active
// bookings decides between concurrent bookings, on any replica: the first
// to commit books, the others get ErrSlotTaken. The BookingNoticeArgs job,
// and the BookingReminderArgs job when its time is after now, are inserted
// in the booking's transaction.
func (s *Store) BookSlot(ctx context.Context, req store.BookRequest) (store.Booking, error) {
	var b store.Booking
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		sl, err := slot(ctx, tx, req.SlotID)
		if err != nil {
			return err
		}
		if !sl.StartsAt.After(req.Now) {
			return fmt.Errorf("the slot has started: %w", store.ErrNotFound)
		}
		var introID *int64 // NULL: booked from the menu
		if req.IntroductionID != 0 {
			introID = &req.IntroductionID
		}
		var id int64
		err = tx.QueryRow(ctx, insertBooking, sl.ID, req.UserID, introID, req.Now.UTC().Truncate(time.Microsecond)).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrSlotTaken
		}
		if err != nil {
			return err
		}
		if err := s.insertJobsTx(ctx, tx, bookingJobs(req.Now, sl, id)); err != nil {
			return err
		}
		b, err = booking(ctx, tx, id)
		return err
	})
	if err != nil {
		return store.Booking{}, fmt.Errorf("book slot %q: %w", req.SlotID, err)
	}
	return b, nil
}

// bookingJobs are the jobs of a new booking: the notice to staff and, unless
// its time has passed, the reminder.
func bookingJobs(now time.Time, sl store.Slot, id int64) []river.InsertManyParams {
	jobs := []river.InsertManyParams{{Args: store.BookingNoticeArgs{BookingID: id, Status: store.Booked}}}
	if store.BookingReminderAt(sl).After(now) {
		jobs = append(jobs, river.InsertManyParams{Args: store.BookingReminderArgs{BookingID: id}, InsertOpts: bookingReminderOpts(sl)})
	}
	return jobs
}

// bookingReminderOpts schedules a booking's reminder, unique per booking.
func bookingReminderOpts(sl store.Slot) *river.InsertOpts {
	return &river.InsertOpts{
		ScheduledAt: store.BookingReminderAt(sl),
		UniqueOpts:  river.UniqueOpts{ByArgs: true},
	}
}

// CancelBooking cancels the user's active booking with a conditional
// update, freeing the slot, and inserts the BookingNoticeArgs job in the
// same transaction.
func (s *Store) CancelBooking(ctx context.Context, userID string, id int64, now time.Time) (store.Booking, error) {
	var b store.Booking
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, cancelBooking, id, userID, now.UTC().Truncate(time.Microsecond))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return store.ErrNotFound
		}
		notice := []river.InsertManyParams{{Args: store.BookingNoticeArgs{BookingID: id, Status: store.BookingCanceled}}}
		if err := s.insertJobsTx(ctx, tx, notice); err != nil {
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
	b, err := booking(ctx, s.pool, id)
	if err != nil {
		return store.Booking{}, fmt.Errorf("booking %d: %w", id, err)
	}
	return b, nil
}

func (s *Store) UserBookings(ctx context.Context, userID string, now time.Time) ([]store.Booking, error) {
	bs, err := s.bookings(ctx, selectUserBookings, userID, now)
	if err != nil {
		return nil, fmt.Errorf("list the user's bookings: %w", err)
	}
	return bs, nil
}

func (s *Store) UpcomingBookings(ctx context.Context, now time.Time) ([]store.Booking, error) {
	bs, err := s.bookings(ctx, selectUpcomingBookings, now)
	if err != nil {
		return nil, fmt.Errorf("list upcoming bookings: %w", err)
	}
	return bs, nil
}

func (s *Store) AllBookings(ctx context.Context) ([]store.Booking, error) {
	bs, err := s.bookings(ctx, selectAllBookings)
	if err != nil {
		return nil, fmt.Errorf("list bookings: %w", err)
	}
	return bs, nil
}

func (s *Store) bookings(ctx context.Context, query string, args ...any) ([]store.Booking, error) {
	rows, _ := s.pool.Query(ctx, query, args...)
	return pgx.CollectRows(rows, scanBooking)
}

func slot(ctx context.Context, q querier, id string) (store.Slot, error) {
	rows, _ := q.Query(ctx, selectSlot, id)
	sl, err := pgx.CollectExactlyOneRow(rows, scanSlot)
	if errors.Is(err, pgx.ErrNoRows) {
		return sl, store.ErrNotFound
	}
	return sl, err
}

func scanSlot(row pgx.CollectableRow) (store.Slot, error) {
	var sl store.Slot
	err := row.Scan(&sl.ID, &sl.StartsAt, &sl.EndsAt, &sl.Host, &sl.Mode)
	return sl, err
}

func booking(ctx context.Context, q querier, id int64) (store.Booking, error) {
	rows, _ := q.Query(ctx, selectBooking, id)
	b, err := pgx.CollectExactlyOneRow(rows, scanBooking)
	if errors.Is(err, pgx.ErrNoRows) {
		return b, store.ErrNotFound
	}
	return b, err
}

// scanBooking scans a row of bookingDetail.
func scanBooking(row pgx.CollectableRow) (store.Booking, error) {
	var (
		b         store.Booking
		ownerTime *time.Time
	)
	sl, o := &b.Slot, &b.Owner
	err := row.Scan(&b.ID, &b.SlotID, &b.UserID, &b.IntroductionID, &b.Status, &b.CreatedAt,
		&sl.ID, &sl.StartsAt, &sl.EndsAt, &sl.Host, &sl.Mode,
		&o.UserID, &o.Company, &o.Contact, &ownerTime)
	o.UpdatedAt = timeOrZero(ownerTime)
	return b, err
}
