package slack

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/riverqueue/river"

	"github.com/amamibot/amamibot/store"
)

// noticeWorker tells staff of a consultation booked or cancelled
// (store.BookingNoticeArgs), once: the store keeps no trace of the post, so
// a retry looks for it in the channel's history by its metadata (the booking
// and what happened to it).
type noticeWorker struct {
	river.WorkerDefaults[store.BookingNoticeArgs]
	*App
}

func (w *noticeWorker) Work(ctx context.Context, job *river.Job[store.BookingNoticeArgs]) error {
	id, status := job.Args.BookingID, job.Args.Status
	if status != store.Booked && status != store.BookingCanceled {
		return river.JobCancel(fmt.Errorf("slack notice: booking %d: unknown status %q", id, status))
	}
	b, err := w.store.Booking(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		w.logger.WarnContext(ctx, "slack notice: booking gone, skipped", "booking", id)
		return nil
	}
	if err != nil {
		return fmt.Errorf("slack notice: booking %d: %w", id, err)
	}
	if job.Attempt > 1 { // see alertWorker
		ts, err := w.findPost(ctx, b.CreatedAt, metaNotice, map[string]string{
			"booking_id": strconv.FormatInt(id, 10),
			"status":     string(status),
		})
		if err != nil {
			return w.failed(ctx, "slack notice: look for an earlier post", err)
		}
		if ts != "" {
			return nil
		}
	}
	if _, _, err := w.client.PostMessageContext(ctx, w.channel, noticeMessage(b, status, w.loc).options()...); err != nil {
		return w.failed(ctx, "slack notice: chat.postMessage", err)
	}
	return nil
}
