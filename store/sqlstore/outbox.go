package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/amamibot/amamibot/store"
)

// Replies held on events are few at any time, and indexed apart
// (events_held): they are forgotten once sent.
const (
	forgetReplies = `UPDATE events SET replies = NULL WHERE id = $1 AND replies IS NOT NULL`

	heldColumns = `id, user_id, reply_token, occurred_at, replies`

	selectHeld = `
SELECT ` + heldColumns + ` FROM events
WHERE id = $1 AND replies IS NOT NULL
FOR UPDATE`

	selectOverdue = `
SELECT ` + heldColumns + ` FROM events
WHERE replies IS NOT NULL AND handled_at < $1
ORDER BY seq
LIMIT $2
FOR UPDATE SKIP LOCKED`
)

// RepliesSent forgets the replies held on the event. It runs after every
// turn that replies, so it commits with the other turns' (see group).
func (v view) RepliesSent(ctx context.Context, eventID string) error {
	err := v.s.group.do(ctx, func(tx view) error {
		_, err := tx.exec(ctx, forgetReplies, eventID)
		return err
	})
	if err != nil {
		return fmt.Errorf("forget the replies of event %s: %w", eventID, err)
	}
	return nil
}

// RetryReplies gives the replies held on the event a job due now.
func (v view) RetryReplies(ctx context.Context, eventID string) error {
	_, err := v.replyJobs(ctx, true, selectHeld, eventID)
	if err != nil {
		return fmt.Errorf("retry the replies of event %s: %w", eventID, err)
	}
	return nil
}

// OverdueReplies gives replies held since before a job each.
func (v view) OverdueReplies(ctx context.Context, before time.Time, limit int) (int, error) {
	n, err := v.replyJobs(ctx, false, selectOverdue, v.t(before), limit)
	if err != nil {
		return 0, fmt.Errorf("send the overdue replies: %w", err)
	}
	return n, nil
}

// replyJobs gives each of the held replies query selects a ReplyArgs job,
// and forgets them, in one transaction.
func (v view) replyJobs(ctx context.Context, failed bool, query string, args ...any) (int, error) {
	var n int
	err := v.inTx(ctx, func(tx view) error {
		held, err := list(ctx, tx, func(a *store.ReplyArgs) []any {
			return []any{&a.EventID, &a.UserID, &a.ReplyToken, timeDest{&a.OccurredAt}, &a.Messages}
		}, query, args...)
		if err != nil {
			return err
		}
		jobs := make([]river.InsertManyParams, len(held))
		for i, a := range held {
			if _, err := tx.exec(ctx, forgetReplies, a.EventID); err != nil {
				return err
			}
			a.Failed = failed
			jobs[i] = river.InsertManyParams{Args: a}
		}
		n = len(jobs)
		return tx.insertJobs(ctx, jobs...)
	})
	return n, err
}
