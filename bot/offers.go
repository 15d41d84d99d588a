package bot

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/amamibot/amamibot/store"
)

// OfferExpiryWorker lapses an offer of a seat nobody claimed in its window
// (store.OfferExpiryArgs): the seat passes to the next on the waitlist,
// who is asked in turn. It runs whatever channels are configured.
type OfferExpiryWorker struct {
	river.WorkerDefaults[store.OfferExpiryArgs]
	Store interface {
		ExpireOffer(ctx context.Context, id int64, now time.Time) error
	}
}

func (w *OfferExpiryWorker) Work(ctx context.Context, job *river.Job[store.OfferExpiryArgs]) error {
	return w.Store.ExpireOffer(ctx, job.Args.RegistrationID, time.Now())
}
