package line

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/riverqueue/river"

	"github.com/amamibot/amamibot/flows"
	"github.com/amamibot/amamibot/store"
)

// Multicast sends the same messages to up to 500 users. Sending again with
// the same retryKey within 24 hours sends nothing twice: LINE answers 409,
// which Multicast reports as success. LINE skips users who blocked the
// account without saying so.
func (c *Client) Multicast(ctx context.Context, to []string, msgs []messaging_api.MessageInterface, retryKey string) error {
	api, err := c.api(ctx)
	if err != nil {
		return err
	}
	res, _, err := api.MulticastWithHttpInfo(&messaging_api.MulticastRequest{To: to, Messages: msgs}, retryKey)
	if res != nil && res.StatusCode == http.StatusConflict {
		res.Body.Close()
		return nil // already accepted under this retry key
	}
	return apiError("multicast", res, err)
}

// AnnounceStore is what sending an announcement reads and commits.
type AnnounceStore interface {
	Announcement(ctx context.Context, id int64) (store.Announcement, error)
	AnnouncementBatch(ctx context.Context, id int64, batch int) (store.Batch, error)
	CompleteBatch(ctx context.Context, job *river.Job[store.AnnounceBatchArgs], now time.Time) error
}

// AnnounceWorker sends one batch of an announcement (store.AnnounceBatchArgs)
// as one multicast. The batch's retry key derives from the announcement and
// the batch, so a rerun after a crash between the send and the commit is a
// 409 at LINE, not a second message; the batch is marked sent in the
// transaction that completes the job, so a batch once recorded sent is
// never sent again.
type AnnounceWorker struct {
	river.WorkerDefaults[store.AnnounceBatchArgs]
	Store  AnnounceStore
	Client *Client
	Logger *slog.Logger
}

func (w *AnnounceWorker) Work(ctx context.Context, job *river.Job[store.AnnounceBatchArgs]) error {
	id, batch := job.Args.AnnouncementID, job.Args.Batch
	b, err := w.Store.AnnouncementBatch(ctx, id, batch)
	if errors.Is(err, store.ErrNotFound) {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	if !b.SentAt.IsZero() {
		return nil
	}
	a, err := w.Store.Announcement(ctx, id)
	if err != nil {
		return err
	}
	if len(b.UserIDs) > 0 {
		key := retryKey(fmt.Sprintf("announce:%d:%d", id, batch))
		err := w.Client.Multicast(ctx, b.UserIDs, Render(flows.Announcement(a)), key)
		if err := settle(ctx, w.Logger, "line multicast", err, "announcement", id, "batch", batch); err != nil {
			return err
		}
	}
	if err := w.Store.CompleteBatch(ctx, job, time.Now()); err != nil {
		return err
	}
	w.Logger.InfoContext(ctx, "line multicast: batch sent", "announcement", id, "batch", batch, "users", len(b.UserIDs))
	return nil
}
