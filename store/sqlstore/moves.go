package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/amamibot/amamibot/store"
)

// MoveRegistration cancels the old registration and registers for the new
// date in one transaction: a refused registration undoes the cancellation.
func (v view) MoveRegistration(ctx context.Context, req store.MoveRequest) (store.MoveResult, error) {
	now := req.Now.UTC().Truncate(time.Microsecond)
	var res store.MoveResult
	err := v.inTx(ctx, func(tx view) error {
		old, err := tx.Registration(ctx, req.ID)
		if err != nil {
			return err
		}
		if old.UserID != req.UserID || old.Status == store.Canceled {
			return store.ErrNotFound
		}
		to, err := tx.Seminar(ctx, req.To)
		if err != nil {
			return err
		}
		if to.ID == old.SeminarID || to.SeriesKey() != old.Seminar.SeriesKey() || !to.StartsAt.After(now) {
			return store.ErrOtherSeries
		}
		cancelled, err := tx.CancelRegistration(ctx, req.UserID, req.ID, now)
		if err != nil {
			return err
		}
		res.Offered = cancelled.Offered
		res.Moved, err = tx.register(ctx, store.RegisterRequest{
			SeminarID: req.To, UserID: req.UserID, Attendance: old.Attendance, Name: old.Name, Company: old.Company,
			Waitlist: req.Waitlist, Now: now,
		})
		return err
	})
	if err != nil {
		return store.MoveResult{}, fmt.Errorf("move registration %d to seminar %q: %w", req.ID, req.To, err)
	}
	return res, nil
}
