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
	"github.com/amamibot/amamibot/store"
)

// ReminderWorker pushes a reminder of a registration (store.ReminderArgs),
// unless it was cancelled or the seminar has begun. Each reminder of a
// registration has its own retry key, so LINE does not take the hour-before
// one for a repeat of the day-before one.
type ReminderWorker struct {
	river.WorkerDefaults[store.ReminderArgs]
	Notifier
}

func (w *ReminderWorker) Work(ctx context.Context, job *river.Job[store.ReminderArgs]) error {
	kind := job.Kind
	if job.Args.Before != 0 {
		kind += "@" + job.Args.Before.String()
	}
	return w.notify(ctx, kind, job.Args.RegistrationID, confirmed, func(reg store.Registration) []flows.Reply {
		return w.Flows.Reminder(reg, job.Args.Before)
	})
}

// PromotedWorker tells a waitlisted attendee that a venue seat is now
// theirs (store.PromotedArgs), unless they cancelled since.
type PromotedWorker struct {
	river.WorkerDefaults[store.PromotedArgs]
	Notifier
}

func (w *PromotedWorker) Work(ctx context.Context, job *river.Job[store.PromotedArgs]) error {
	return w.notify(ctx, job.Kind, job.Args.RegistrationID, confirmed, w.Flows.Promoted)
}

// OfferWorker asks a waitlisted attendee whether they take the venue seat
// offered (store.OfferArgs), unless the offer has ended since.
type OfferWorker struct {
	river.WorkerDefaults[store.OfferArgs]
	Notifier
}

func (w *OfferWorker) Work(ctx context.Context, job *river.Job[store.OfferArgs]) error {
	return w.notify(ctx, job.Kind, job.Args.RegistrationID, store.Registration.HoldsOffer, w.Flows.Offer)
}

// confirmed: news for confirmed attendees only.
func confirmed(r store.Registration) bool { return r.Status == store.Confirmed }

// Notifier is what the workers that push news about a registration share.
type Notifier struct {
	Registrations store.Registrations
	Flows         *flows.Bot
	Client        *Client
	Logger        *slog.Logger
	Now           func() time.Time // nil: time.Now
}

// notify pushes what say tells about the registration while it is still
// as the news needs (still) and its seminar has not begun. The retry key derives from the
// job's kind and the registration, so a retried job is one push at LINE.
func (n *Notifier) notify(ctx context.Context, kind string, id int64, still func(store.Registration) bool, say func(store.Registration) []flows.Reply) error {
	reg, err := n.Registrations.Registration(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		n.Logger.WarnContext(ctx, "line "+kind+": registration gone, skipped", "registration", id)
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: registration %d: %w", kind, id, err)
	}
	now := time.Now()
	if n.Now != nil {
		now = n.Now()
	}
	if !still(reg) || !reg.Seminar.StartsAt.After(now) {
		n.Logger.InfoContext(ctx, "line "+kind+": skipped", "registration", id, "status", reg.Status)
		return nil
	}
	msgs := Render(say(reg))
	if len(msgs) == 0 {
		return nil
	}
	return push(ctx, n.Client, n.Logger, reg.UserID, msgs, retryKey(kind+":"+strconv.FormatInt(id, 10)))
}
