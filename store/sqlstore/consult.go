package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/riverqueue/river"

	"github.com/amamibot/amamibot/store"
)

// Introduction returns one request with its decision, its alert and its
// owner, or ErrNotFound.
func (v view) Introduction(ctx context.Context, id int64) (store.Introduction, error) {
	in, err := one(ctx, v, v.introductionDetailDest, selectIntroduction, id)
	if err != nil {
		return in, fmt.Errorf("introduction %d: %w", id, err)
	}
	return in, nil
}

// PendingIntroductions lists the requests awaiting a decision, oldest first.
func (v view) PendingIntroductions(ctx context.Context) ([]store.Introduction, error) {
	ins, err := list(ctx, v, v.introductionDetailDest, selectPendingIntroductions)
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
func (v view) DecideIntroduction(ctx context.Context, id int64, d store.Decision) (store.Introduction, error) {
	if d.Status != store.Approved && d.Status != store.Declined {
		return store.Introduction{}, fmt.Errorf("decide introduction %d: %q is not a decision", id, d.Status)
	}
	var in store.Introduction
	err := v.inTx(ctx, func(tx view) error {
		decided, err := tx.exec(ctx, decideIntroduction, id, d.Status, d.By, tx.t(d.Now))
		if err != nil {
			return err
		}
		// Read in the transaction: the winner sees its own decision; a
		// loser, whose update waited for the winner's commit, sees that.
		if in, err = one(ctx, tx, tx.introductionDetailDest, selectIntroduction, id); err != nil {
			return err
		}
		if decided == 0 {
			return store.ErrAlreadyDecided
		}
		if d.Status == store.Declined { // what the matcher can learn from
			if _, err := tx.exec(ctx, insertDeclinedSignal, id, tx.t(d.Now)); err != nil {
				return err
			}
		}
		return tx.insertJobs(ctx,
			river.InsertManyParams{Args: store.OwnerDecisionArgs{IntroductionID: id}},
			river.InsertManyParams{Args: store.AlertUpdateArgs{IntroductionID: id}})
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
func (v view) SetAlert(ctx context.Context, id int64, channel, ts string) error {
	if channel == "" || ts == "" {
		return fmt.Errorf("set alert of introduction %d: channel and ts are both needed", id)
	}
	n, err := v.exec(ctx, setAlert, id, channel, ts)
	if err == nil && n == 0 {
		err = store.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("set alert of introduction %d: %w", id, err)
	}
	return nil
}

// UpsertSlots creates or updates the slots in one transaction.
func (v view) UpsertSlots(ctx context.Context, slots []store.Slot) error {
	err := v.inTx(ctx, func(tx view) error {
		for _, sl := range slots {
			if _, err := tx.exec(ctx, upsertSlot, sl.ID, tx.t(sl.StartsAt), tx.t(sl.EndsAt), sl.Host, sl.Mode); err != nil {
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

func (v view) Slot(ctx context.Context, id string) (store.Slot, error) {
	sl, err := one(ctx, v, slotDest, selectSlot, id)
	if err != nil {
		return store.Slot{}, fmt.Errorf("slot %q: %w", id, err)
	}
	return sl, nil
}

// AvailableSlots lists up to limit slots starting after now with no active
// booking, soonest first; limit <= 0 lists all.
func (v view) AvailableSlots(ctx context.Context, now time.Time, limit int) ([]store.Slot, error) {
	if limit <= 0 {
		limit = math.MaxInt32
	}
	slots, err := list(ctx, v, slotDest, selectAvailableSlots, v.t(now), limit)
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
func (v view) BookSlot(ctx context.Context, req store.BookRequest) (store.Booking, error) {
	var b store.Booking
	err := v.inTx(ctx, func(tx view) error {
		sl, err := one(ctx, tx, slotDest, selectSlot, req.SlotID)
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
		err = tx.row(ctx, insertBooking, []any{sl.ID, req.UserID, introID, tx.t(req.Now)}, &id)
		if errors.Is(err, store.ErrNotFound) {
			return store.ErrSlotTaken
		}
		if err != nil {
			return err
		}
		jobs := []river.InsertManyParams{{Args: store.BookingNoticeArgs{BookingID: id, Status: store.Booked}}}
		if at := store.BookingReminderAt(sl); at.After(req.Now) {
			jobs = append(jobs, river.InsertManyParams{Args: store.BookingReminderArgs{BookingID: id},
				InsertOpts: &river.InsertOpts{ScheduledAt: at, UniqueOpts: river.UniqueOpts{ByArgs: true}}})
		}
		if err := tx.insertJobs(ctx, jobs...); err != nil {
			return err
		}
		b, err = tx.Booking(ctx, id)
		return err
	})
	if err != nil {
		return store.Booking{}, fmt.Errorf("book slot %q: %w", req.SlotID, err)
	}
	return b, nil
}

// CancelBooking cancels the user's active booking with a conditional
// update, freeing the slot, and inserts the BookingNoticeArgs job in the
// same transaction.
func (v view) CancelBooking(ctx context.Context, userID string, id int64, now time.Time) (store.Booking, error) {
	var b store.Booking
	err := v.inTx(ctx, func(tx view) error {
		n, err := tx.exec(ctx, cancelBooking, id, userID, tx.t(now))
		if err != nil {
			return err
		}
		if n == 0 {
			return store.ErrNotFound
		}
		notice := river.InsertManyParams{Args: store.BookingNoticeArgs{BookingID: id, Status: store.BookingCanceled}}
		if err := tx.insertJobs(ctx, notice); err != nil {
			return err
		}
		b, err = tx.Booking(ctx, id)
		return err
	})
	if err != nil {
		return store.Booking{}, fmt.Errorf("cancel booking %d: %w", id, err)
	}
	return b, nil
}

func (v view) Booking(ctx context.Context, id int64) (store.Booking, error) {
	b, err := one(ctx, v, bookingDest, selectBooking, id)
	if err != nil {
		return store.Booking{}, fmt.Errorf("booking %d: %w", id, err)
	}
	return b, nil
}

func (v view) UserBookings(ctx context.Context, userID string, now time.Time) ([]store.Booking, error) {
	bs, err := list(ctx, v, bookingDest, selectUserBookings, userID, v.t(now))
	if err != nil {
		return nil, fmt.Errorf("list the user's bookings: %w", err)
	}
	return bs, nil
}

func (v view) UpcomingBookings(ctx context.Context, now time.Time) ([]store.Booking, error) {
	bs, err := list(ctx, v, bookingDest, selectUpcomingBookings, v.t(now))
	if err != nil {
		return nil, fmt.Errorf("list upcoming bookings: %w", err)
	}
	return bs, nil
}

func (v view) AllBookings(ctx context.Context) ([]store.Booking, error) {
	bs, err := list(ctx, v, bookingDest, selectAllBookings)
	if err != nil {
		return nil, fmt.Errorf("list bookings: %w", err)
	}
	return bs, nil
}

// slotDest is where a row of slotColumns goes.
func slotDest(sl *store.Slot) []any {
	return []any{&sl.ID, timeDest{&sl.StartsAt}, timeDest{&sl.EndsAt}, &sl.Host, &sl.Mode}
}

// bookingDest is where a row of bookingDetail goes.
func bookingDest(b *store.Booking) []any {
	o := &b.Owner
	return append([]any{&b.ID, &b.SlotID, &b.UserID, &b.IntroductionID, &b.Status, timeDest{&b.CreatedAt}},
		append(slotDest(&b.Slot), &o.UserID, &o.Company, &o.Contact, timeDest{&o.UpdatedAt}, &o.Name)...)
}
