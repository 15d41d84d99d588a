package line

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/riverqueue/river"

	"github.com/amamibot/amamibot/flows"
	"github.com/amamibot/amamibot/match"
	"github.com/amamibot/amamibot/store"
)

// Decisions is what DecisionWorker reads.
type Decisions interface {
	Introduction(ctx context.Context, id int64) (store.Introduction, error)
	Talent(ctx context.Context, id string) (match.Talent, error)
}

// DecisionWorker tells the owner what staff decided about their
// introduction request (store.OwnerDecisionArgs): approved, with a button to
// book a consultation; declined, with a button for other candidates.
type DecisionWorker struct {
	river.WorkerDefaults[store.OwnerDecisionArgs]
	Store  Decisions
	Flows  *flows.Bot
	Funnel flows.Recorder // counts decisions; nil counts nothing
	Client *Client
	Logger *slog.Logger
}

func (w *DecisionWorker) Work(ctx context.Context, job *river.Job[store.OwnerDecisionArgs]) error {
	id := job.Args.IntroductionID
	intro, err := w.Store.Introduction(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		w.Logger.WarnContext(ctx, "line decision: introduction gone, skipped", "introduction", id)
		return nil
	}
	if err != nil {
		return fmt.Errorf("decision: introduction %d: %w", id, err)
	}
	if intro.Status == store.Pending {
		return river.JobCancel(fmt.Errorf("decision: introduction %d is still pending", id))
	}
	talent, err := w.Store.Talent(ctx, intro.TalentID)
	if err != nil {
		return fmt.Errorf("decision: talent of introduction %d: %w", id, err)
	}
	msgs := Render(w.Flows.Decision(intro, talent.DisplayName))
	if err := push(ctx, w.Client, w.Logger, intro.UserID, msgs, retryKey(job.Kind+":"+strconv.FormatInt(id, 10))); err != nil {
		return err
	}
	if w.Funnel != nil {
		w.Funnel.Record("introduction_" + string(intro.Status))
	}
	return nil
}

// BookingReminderWorker pushes the day-before reminder of a consultation
// (store.BookingReminderArgs), unless it was cancelled or has begun.
type BookingReminderWorker struct {
	river.WorkerDefaults[store.BookingReminderArgs]
	Bookings interface {
		Booking(ctx context.Context, id int64) (store.Booking, error)
	}
	Flows  *flows.Bot
	Client *Client
	Logger *slog.Logger
	Now    func() time.Time // nil: time.Now
}

func (w *BookingReminderWorker) Work(ctx context.Context, job *river.Job[store.BookingReminderArgs]) error {
	id := job.Args.BookingID
	b, err := w.Bookings.Booking(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("booking reminder: booking %d: %w", id, err)
	}
	now := time.Now()
	if w.Now != nil {
		now = w.Now()
	}
	if b.Status != store.Booked || !b.Slot.StartsAt.After(now) {
		w.Logger.InfoContext(ctx, "line booking reminder: skipped", "booking", id, "status", b.Status)
		return nil
	}
	msgs := Render(w.Flows.BookingReminder(b))
	return push(ctx, w.Client, w.Logger, b.UserID, msgs, retryKey(job.Kind+":"+strconv.FormatInt(id, 10)))
}
