package line

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"time"

	"github.com/riverqueue/river"

	"github.com/amamibot/amamibot/flows"
	"github.com/amamibot/amamibot/store"
)

// FollowupWorker pushes a follow-up (store.FollowupArgs): the day after a
// seminar, a week after a consultation. A follow-up erased with the user's
// data, or already answered, is not sent.
type FollowupWorker struct {
	river.WorkerDefaults[store.FollowupArgs]
	Store  store.Followups
	Client *Client
	Logger *slog.Logger
}

func (w *FollowupWorker) Work(ctx context.Context, job *river.Job[store.FollowupArgs]) error {
	f, err := w.Store.Followup(ctx, job.Args.FollowupID)
	if errors.Is(err, store.ErrNotFound) || err == nil && f.Answer != "" {
		return nil
	}
	if err != nil {
		return err
	}
	key := retryKey("followup:" + strconv.FormatInt(f.ID, 10))
	return push(ctx, w.Client, w.Logger, f.UserID, Render(flows.Followup(f)), key)
}

// FollowupScanWorker creates the follow-ups that are due, each with its
// push job (store.FollowupScanArgs, a periodic job).
type FollowupScanWorker struct {
	river.WorkerDefaults[store.FollowupScanArgs]
	Store  store.Followups
	Logger *slog.Logger
}

func (w *FollowupScanWorker) Work(ctx context.Context, job *river.Job[store.FollowupScanArgs]) error {
	created, err := w.Store.DueFollowups(ctx, time.Now())
	if err != nil {
		return err
	}
	if len(created) > 0 {
		w.Logger.InfoContext(ctx, "follow-ups due", "count", len(created))
	}
	return nil
}

// FollowupScanJob looks for due follow-ups every 10 minutes, on one
// replica at a time (River's leader).
func FollowupScanJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(10*time.Minute),
		func() (river.JobArgs, *river.InsertOpts) { return store.FollowupScanArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})
}
