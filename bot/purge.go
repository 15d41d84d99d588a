package bot

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/amamibot/amamibot/store"
)

// PurgeWorker erases what is kept no longer than the retention: problem
// texts and old inbox events (store.PurgeArgs, a periodic job).
type PurgeWorker struct {
	river.WorkerDefaults[store.PurgeArgs]
	Store interface {
		PurgeBefore(ctx context.Context, cutoff time.Time) (int, error)
	}
	Retention time.Duration
	Logger    *slog.Logger
}

func (w *PurgeWorker) Work(ctx context.Context, job *river.Job[store.PurgeArgs]) error {
	n, err := w.Store.PurgeBefore(ctx, time.Now().Add(-w.Retention))
	if err != nil {
		return fmt.Errorf("retention purge: %w", err)
	}
	if n > 0 {
		w.Logger.InfoContext(ctx, "retention purge: erased old personal data", "records", n, "retention", w.Retention)
	}
	return nil
}

// PurgeJob runs the purge hourly, and once at start.
func PurgeJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return store.PurgeArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})
}
