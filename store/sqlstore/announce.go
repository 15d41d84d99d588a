package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"

	"github.com/amamibot/amamibot/store"
)

const (
	selectAnnounceUser = `SELECT asked_at, blocked_at FROM announce_users WHERE user_id = $1`
	selectUserTopics   = `SELECT topic FROM announce_topics WHERE user_id = $1 ORDER BY topic`
	deleteUserTopics   = `DELETE FROM announce_topics WHERE user_id = $1`
	insertUserTopic    = `INSERT INTO announce_topics (user_id, topic, subscribed_at) VALUES ($1, $2, $3)`
	markAsked          = `
INSERT INTO announce_users (user_id, asked_at) VALUES ($1, $2)
ON CONFLICT (user_id) DO UPDATE SET asked_at = excluded.asked_at WHERE announce_users.asked_at IS NULL`
	setBlocked = `
INSERT INTO announce_users (user_id, blocked_at) VALUES ($1, $2)
ON CONFLICT (user_id) DO UPDATE SET blocked_at = excluded.blocked_at`
	// audience is who an announcement on topic $1 reaches: subscribed and
	// not blocked.
	audience = `
FROM announce_topics t LEFT JOIN announce_users u ON u.user_id = t.user_id
WHERE t.topic = $1 AND u.blocked_at IS NULL`
	countAudience      = `SELECT count(*) ` + audience
	insertAnnouncement = `
INSERT INTO announcements (topic, text, button_label, button_data, created_by, created_at, send_at, recipients, batches, slack_channel, slack_ts, approved_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 0, $8, $9, $10)
RETURNING id`
	// insertRecipients fixes the audience, in batches of $3 by user ID.
	insertRecipients = `
INSERT INTO announcement_recipients (announcement_id, batch, user_id)
SELECT $2, (row_number() OVER (ORDER BY t.user_id) - 1) / $3, t.user_id ` + audience
	countBatches     = `SELECT batch, count(*) FROM announcement_recipients WHERE announcement_id = $1 GROUP BY batch ORDER BY batch`
	lastWaitingBatch = `
SELECT max(b.scheduled_at) FROM announcement_batches b JOIN announcements a ON a.id = b.announcement_id
WHERE b.sent_at IS NULL AND a.approved_by <> '' AND a.id <> $1`
	selectBatchSizes   = `SELECT batch, size FROM announcement_batches WHERE announcement_id = $1 ORDER BY batch`
	scheduleBatch      = `UPDATE announcement_batches SET scheduled_at = $3 WHERE announcement_id = $1 AND batch = $2`
	approve            = `UPDATE announcements SET approved_by = $2 WHERE id = $1 AND approved_by = '' AND created_by <> $2`
	insertBatch        = `INSERT INTO announcement_batches (announcement_id, batch, size, scheduled_at) VALUES ($1, $2, $3, $4)`
	sizeAnnouncement   = `UPDATE announcements SET recipients = $2, batches = $3 WHERE id = $1`
	setSendAt          = `UPDATE announcements SET send_at = $2 WHERE id = $1`
	selectAnnouncement = `
SELECT a.id, a.topic, a.text, a.button_label, a.button_data, a.created_by, a.created_at, a.send_at, a.recipients, a.batches,
       a.slack_channel, a.slack_ts, a.approved_by, COALESCE(sum(b.size), 0), count(b.batch)
FROM announcements a LEFT JOIN announcement_batches b ON b.announcement_id = a.id AND b.sent_at IS NOT NULL
WHERE a.id = $1
GROUP BY a.id, a.topic, a.text, a.button_label, a.button_data, a.created_by, a.created_at, a.send_at, a.recipients, a.batches,
         a.slack_channel, a.slack_ts, a.approved_by`
	selectBatch = `SELECT sent_at FROM announcement_batches WHERE announcement_id = $1 AND batch = $2`
	// selectBatchMembers are the batch's members still reachable: a member
	// who has since blocked the account or dropped the topic is skipped.
	selectBatchMembers = `
SELECT r.user_id FROM announcement_recipients r
JOIN announcements a ON a.id = r.announcement_id
JOIN announce_topics t ON t.user_id = r.user_id AND t.topic = a.topic
LEFT JOIN announce_users u ON u.user_id = r.user_id
WHERE r.announcement_id = $1 AND r.batch = $2 AND u.blocked_at IS NULL
ORDER BY r.user_id`
	markBatchSent = `UPDATE announcement_batches SET sent_at = $3 WHERE announcement_id = $1 AND batch = $2 AND sent_at IS NULL`
	hasThread     = `SELECT count(*) FROM announcements WHERE id = $1 AND slack_ts <> ''`

	deleteAnnounceUser   = `DELETE FROM announce_users WHERE user_id = $1`
	deleteUserRecipients = `DELETE FROM announcement_recipients WHERE user_id = $1`
	purgeRecipients      = `DELETE FROM announcement_recipients WHERE announcement_id IN (SELECT id FROM announcements WHERE created_at < $1)`
)

// Subscription returns what the user chose.
func (v view) Subscription(ctx context.Context, userID string) (store.Subscription, error) {
	var sub store.Subscription
	var blocked time.Time
	err := v.row(ctx, selectAnnounceUser, []any{userID}, timeDest{&sub.AskedAt}, timeDest{&blocked})
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return sub, fmt.Errorf("read subscription: %w", err)
	}
	sub.Blocked = !blocked.IsZero()
	err = v.each(ctx, selectUserTopics, []any{userID}, func(rows *sql.Rows) error {
		var topic string
		err := rows.Scan(&topic)
		sub.Topics = append(sub.Topics, topic)
		return err
	})
	if err != nil {
		return sub, fmt.Errorf("read subscription: %w", err)
	}
	return sub, nil
}

// SetTopics replaces the user's topics in one transaction.
func (v view) SetTopics(ctx context.Context, userID string, topics []string, now time.Time) error {
	topics = slices.Compact(slices.Sorted(slices.Values(topics)))
	err := v.inTx(ctx, func(tx view) error {
		if _, err := tx.exec(ctx, deleteUserTopics, userID); err != nil {
			return err
		}
		for _, topic := range topics {
			if _, err := tx.exec(ctx, insertUserTopic, userID, topic, tx.t(now)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("set topics: %w", err)
	}
	return nil
}

// MarkAsked records the first time the user was asked.
func (v view) MarkAsked(ctx context.Context, userID string, now time.Time) (bool, error) {
	n, err := v.exec(ctx, markAsked, userID, v.t(now))
	if err != nil {
		return false, fmt.Errorf("mark asked: %w", err)
	}
	return n > 0, nil
}

// SetBlocked records a block (unfollow) or its end (follow).
func (v view) SetBlocked(ctx context.Context, userID string, blocked bool) error {
	var at any
	if blocked {
		at = v.t(time.Now())
	}
	if _, err := v.exec(ctx, setBlocked, userID, at); err != nil {
		return fmt.Errorf("set blocked: %w", err)
	}
	return nil
}

// Audience counts who an announcement on topic reaches.
func (v view) Audience(ctx context.Context, topic string) (int, error) {
	var n int
	if err := v.row(ctx, countAudience, []any{topic}, &n); err != nil {
		return 0, fmt.Errorf("count audience of %q: %w", topic, err)
	}
	return n, nil
}

// CreateAnnouncement fixes the audience in batches and schedules their jobs.
func (v view) CreateAnnouncement(ctx context.Context, req store.NewAnnouncement) (store.Announcement, error) {
	a := req.Announcement
	a.ApprovedBy = a.CreatedBy
	if req.SecondStaff {
		a.ApprovedBy = ""
	}
	size := req.BatchSize
	if size <= 0 || size > store.MaxBatch {
		size = store.MaxBatch
	}
	err := v.inTx(ctx, func(tx view) error {
		err := tx.row(ctx, insertAnnouncement, []any{a.Topic, a.Text, a.ButtonLabel, a.ButtonData, a.CreatedBy,
			tx.t(a.CreatedAt), tx.t(a.SendAt), a.SlackChannel, a.SlackTS, a.ApprovedBy}, &a.ID)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, insertRecipients, a.Topic, a.ID, size); err != nil {
			return err
		}
		sizes, err := list(ctx, tx, func(b *[2]int) []any { return []any{&b[0], &b[1]} }, countBatches, a.ID)
		if err != nil {
			return err
		}
		if len(sizes) == 0 {
			return store.ErrNoAudience
		}
		for _, b := range sizes {
			if _, err := tx.exec(ctx, insertBatch, a.ID, b[0], b[1], tx.t(a.SendAt)); err != nil {
				return err
			}
			a.Recipients += b[1]
		}
		a.Batches = len(sizes)
		if _, err := tx.exec(ctx, sizeAnnouncement, a.ID, a.Recipients, a.Batches); err != nil {
			return err
		}
		if req.SecondStaff {
			return nil
		}
		return tx.schedule(ctx, &a, req.Pace)
	})
	if errors.Is(err, store.ErrNoAudience) {
		return store.Announcement{}, fmt.Errorf("announce to %q: %w", a.Topic, err)
	}
	if err != nil {
		return store.Announcement{}, fmt.Errorf("create announcement: %w", err)
	}
	return a, nil
}

// schedule schedules the batches of a, pace apart from its SendAt, and
// their jobs. One pace for all: the first batch waits for those of other
// announcements still waiting, whichever replica sends them.
func (tx view) schedule(ctx context.Context, a *store.Announcement, pace time.Duration) error {
	var last time.Time
	if err := tx.row(ctx, lastWaitingBatch, []any{a.ID}, timeDest{&last}); err != nil {
		return err
	}
	if !last.IsZero() && last.Add(pace).After(a.SendAt) {
		a.SendAt = last.Add(pace)
	}
	sizes, err := list(ctx, tx, func(b *[2]int) []any { return []any{&b[0], &b[1]} }, selectBatchSizes, a.ID)
	if err != nil {
		return err
	}
	jobs := make([]river.InsertManyParams, len(sizes))
	for i, b := range sizes {
		at := a.SendAt.Add(time.Duration(i) * pace)
		if _, err := tx.exec(ctx, scheduleBatch, a.ID, b[0], tx.t(at)); err != nil {
			return err
		}
		jobs[i] = river.InsertManyParams{Args: store.AnnounceBatchArgs{AnnouncementID: a.ID, Batch: b[0]},
			InsertOpts: &river.InsertOpts{ScheduledAt: at, UniqueOpts: river.UniqueOpts{ByArgs: true}}}
	}
	if _, err := tx.exec(ctx, setSendAt, a.ID, tx.t(a.SendAt)); err != nil {
		return err
	}
	return tx.insertJobs(ctx, jobs...)
}

// ApproveAnnouncement lets an announcement that waits for a second staff
// member go out.
func (v view) ApproveAnnouncement(ctx context.Context, id int64, by string, now time.Time, pace time.Duration) (store.Announcement, error) {
	var a store.Announcement
	err := v.inTx(ctx, func(tx view) error {
		n, err := tx.exec(ctx, approve, id, by)
		if err != nil {
			return err
		}
		if a, err = tx.Announcement(ctx, id); err != nil {
			return err
		}
		switch {
		case n == 0 && a.ApprovedBy != "":
			return store.ErrApproved
		case n == 0:
			return store.ErrSameStaff
		}
		if a.SendAt.Before(now) {
			a.SendAt = now
		}
		return tx.schedule(ctx, &a, pace)
	})
	if err != nil {
		return a, fmt.Errorf("approve announcement %d: %w", id, err)
	}
	return a, nil
}

// Announcement returns one announcement with its progress.
func (v view) Announcement(ctx context.Context, id int64) (store.Announcement, error) {
	a, err := one(ctx, v, func(a *store.Announcement) []any {
		return []any{&a.ID, &a.Topic, &a.Text, &a.ButtonLabel, &a.ButtonData, &a.CreatedBy, timeDest{&a.CreatedAt},
			timeDest{&a.SendAt}, &a.Recipients, &a.Batches, &a.SlackChannel, &a.SlackTS, &a.ApprovedBy, &a.Sent, &a.SentBatches}
	}, selectAnnouncement, id)
	if err != nil {
		return a, fmt.Errorf("announcement %d: %w", id, err)
	}
	return a, nil
}

// AnnouncementBatch returns a batch and its reachable members.
func (v view) AnnouncementBatch(ctx context.Context, id int64, batch int) (store.Batch, error) {
	b := store.Batch{AnnouncementID: id, Batch: batch}
	if err := v.row(ctx, selectBatch, []any{id, batch}, timeDest{&b.SentAt}); err != nil {
		return b, fmt.Errorf("announcement %d batch %d: %w", id, batch, err)
	}
	err := v.each(ctx, selectBatchMembers, []any{id, batch}, func(rows *sql.Rows) error {
		var user string
		err := rows.Scan(&user)
		b.UserIDs = append(b.UserIDs, user)
		return err
	})
	if err != nil {
		return b, fmt.Errorf("announcement %d batch %d: %w", id, batch, err)
	}
	return b, nil
}

// CompleteBatch marks the batch sent and completes its job together.
func (v view) CompleteBatch(ctx context.Context, job *river.Job[store.AnnounceBatchArgs], now time.Time) error {
	id, batch := job.Args.AnnouncementID, job.Args.Batch
	err := v.inTx(ctx, func(tx view) error {
		marked, err := tx.exec(ctx, markBatchSent, id, batch, tx.t(now))
		if err != nil {
			return err
		}
		var thread int
		if err := tx.row(ctx, hasThread, []any{id}, &thread); err != nil {
			return err
		}
		if marked > 0 && thread > 0 {
			progress := river.InsertManyParams{Args: store.AnnounceProgressArgs{AnnouncementID: id, Batch: batch}}
			if err := tx.insertJobs(ctx, progress); err != nil {
				return err
			}
		}
		_, err = river.JobCompleteTx[riverdriver.Driver[*sql.Tx]](ctx, tx.tx, job)
		return err
	})
	if err != nil {
		return fmt.Errorf("complete announcement %d batch %d: %w", id, batch, err)
	}
	return nil
}
