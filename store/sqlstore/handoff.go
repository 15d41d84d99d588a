package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/amamibot/amamibot/store"
)

// The hand-offs' SQL, kept with their code.
const (
	handoffColumns = `id, user_id, state, claimed_by, ended_by, thread_channel, thread_ts, opened_at, last_activity, first_answer_at, closed_at`

	// insertHandoff does nothing when the user has an active hand-off (the
	// partial unique index handoffs_one_active).
	insertHandoff = `
INSERT INTO handoffs (user_id, state, opened_at, last_activity) VALUES ($1, 'open', $2, $2)
ON CONFLICT (user_id) WHERE state <> 'closed' DO NOTHING
RETURNING ` + handoffColumns

	selectHandoff         = `SELECT ` + handoffColumns + ` FROM handoffs WHERE id = $1`
	selectActiveHandoff   = `SELECT ` + handoffColumns + ` FROM handoffs WHERE user_id = $1 AND state <> 'closed'`
	selectHandoffByThread = `SELECT ` + handoffColumns + ` FROM handoffs WHERE thread_channel = $1 AND thread_ts = $2`
	selectActiveHandoffs  = `SELECT ` + handoffColumns + ` FROM handoffs WHERE state <> 'closed' ORDER BY opened_at, id`

	setHandoffThread = `UPDATE handoffs SET thread_channel = $2, thread_ts = $3 WHERE id = $1`

	// claimHandoff is the first claim winning: a concurrent one waits for
	// the row lock, then finds the hand-off no longer open.
	claimHandoff = `
UPDATE handoffs SET state = 'claimed', claimed_by = $2, last_activity = $3
WHERE id = $1 AND state = 'open'
RETURNING ` + handoffColumns

	// closeHandoff ends an active hand-off if nobody wrote after $4.
	closeHandoff = `
UPDATE handoffs SET state = 'closed', ended_by = $2, closed_at = $3
WHERE id = $1 AND state <> 'closed' AND last_activity <= $4
RETURNING ` + handoffColumns

	// touchHandoff counts a message as activity (and staff's first answer)
	// while the hand-off is active; the row lock orders the messages.
	touchHandoff = `
UPDATE handoffs SET last_activity = $2,
    first_answer_at = CASE WHEN $3 AND first_answer_at IS NULL THEN $2 ELSE first_answer_at END
WHERE id = $1 AND state <> 'closed'
RETURNING ` + handoffColumns

	insertHandoffMessage = `
INSERT INTO handoff_messages (handoff_id, to_user, kind, text, author, event_id, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (event_id) DO NOTHING`

	selectNextHandoffMessage = `
SELECT m.seq, m.handoff_id, h.user_id, m.to_user, m.kind, m.text, m.author, m.created_at
FROM handoff_messages m JOIN handoffs h ON h.id = m.handoff_id
WHERE m.handoff_id = $1 AND m.to_user = $2 AND m.sent_at IS NULL
ORDER BY m.seq LIMIT 1`

	markHandoffMessageSent = `
UPDATE handoff_messages SET sent_at = $2 WHERE seq = $1 AND sent_at IS NULL
RETURNING handoff_id`

	selectRecentMessages = `
SELECT kind, text, occurred_at FROM events
WHERE user_id = $1 AND received_at <= $2 AND text <> ''
ORDER BY occurred_at DESC, seq DESC LIMIT $3`

	selectUserIntroductions = introductionDetail + ` WHERE i.user_id = $1 ORDER BY i.created_at DESC, i.id DESC LIMIT $2`

	deleteUserHandoffMessages = `
DELETE FROM handoff_messages WHERE handoff_id IN (SELECT id FROM handoffs WHERE user_id = $1)`
	deleteUserHandoffs = `DELETE FROM handoffs WHERE user_id = $1`

	// The purge drops delivered messages, and ended hand-offs with what is
	// left of them; an active hand-off keeps its undelivered messages.
	purgeHandoffMessages = `DELETE FROM handoff_messages WHERE created_at < $1 AND sent_at IS NOT NULL`
	purgeHandoffs        = `DELETE FROM handoffs WHERE state = 'closed' AND closed_at < $1`
)

// endOfTime is later than any activity.
var endOfTime = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

func (v view) handoffDest(h *store.Handoff) []any {
	return []any{&h.ID, &h.UserID, &h.State, &h.ClaimedBy, &h.EndedBy, &h.ThreadChannel, &h.ThreadTS,
		timeDest{&h.OpenedAt}, timeDest{&h.LastActivity}, timeDest{&h.FirstAnswerAt}, timeDest{&h.ClosedAt}}
}

func (v view) OpenHandoff(ctx context.Context, userID string, now time.Time, idle time.Duration) (store.Handoff, error) {
	var h store.Handoff
	err := v.inTx(ctx, func(tx view) error {
		var err error
		h, err = one(ctx, tx, tx.handoffDest, insertHandoff, userID, tx.t(now))
		if errors.Is(err, store.ErrNotFound) {
			if h, err = one(ctx, tx, tx.handoffDest, selectActiveHandoff, userID); err != nil {
				return err
			}
			return store.ErrHandoffActive
		}
		if err != nil {
			return err
		}
		return tx.insertJobs(ctx,
			river.InsertManyParams{Args: store.HandoffAlertArgs{HandoffID: h.ID}},
			river.InsertManyParams{Args: store.HandoffIdleArgs{HandoffID: h.ID, After: idle}, InsertOpts: &river.InsertOpts{ScheduledAt: now.Add(idle)}})
	})
	if err != nil {
		return h, fmt.Errorf("open hand-off: %w", err)
	}
	return h, nil
}

func (v view) ActiveHandoff(ctx context.Context, userID string) (store.Handoff, error) {
	h, err := one(ctx, v, v.handoffDest, selectActiveHandoff, userID)
	if err != nil {
		return h, fmt.Errorf("active hand-off: %w", err)
	}
	return h, nil
}

func (v view) Handoff(ctx context.Context, id int64) (store.Handoff, error) {
	h, err := one(ctx, v, v.handoffDest, selectHandoff, id)
	if err != nil {
		return h, fmt.Errorf("hand-off %d: %w", id, err)
	}
	return h, nil
}

func (v view) HandoffByThread(ctx context.Context, channel, ts string) (store.Handoff, error) {
	h, err := one(ctx, v, v.handoffDest, selectHandoffByThread, channel, ts)
	if err != nil {
		return h, fmt.Errorf("hand-off of thread %s: %w", ts, err)
	}
	return h, nil
}

func (v view) ActiveHandoffs(ctx context.Context) ([]store.Handoff, error) {
	hs, err := list(ctx, v, v.handoffDest, selectActiveHandoffs)
	if err != nil {
		return nil, fmt.Errorf("list active hand-offs: %w", err)
	}
	return hs, nil
}

func (v view) SetHandoffThread(ctx context.Context, id int64, channel, ts string) error {
	if _, err := v.exec(ctx, setHandoffThread, id, channel, ts); err != nil {
		return fmt.Errorf("hand-off %d: record the thread: %w", id, err)
	}
	return nil
}

func (v view) ClaimHandoff(ctx context.Context, id int64, by string, now time.Time) (store.Handoff, error) {
	var h store.Handoff
	err := v.inTx(ctx, func(tx view) error {
		var err error
		h, err = one(ctx, tx, tx.handoffDest, claimHandoff, id, by, tx.t(now))
		if errors.Is(err, store.ErrNotFound) {
			if h, err = one(ctx, tx, tx.handoffDest, selectHandoff, id); err != nil {
				return err
			}
			if h.State == store.HandoffClosed {
				return store.ErrHandoffClosed
			}
			return store.ErrAlreadyClaimed
		}
		if err != nil {
			return err
		}
		return tx.insertJobs(ctx, river.InsertManyParams{Args: store.HandoffThreadArgs{HandoffID: id, Refresh: true}})
	})
	if err != nil {
		return h, fmt.Errorf("claim hand-off %d: %w", id, err)
	}
	return h, nil
}

func (v view) CloseHandoff(ctx context.Context, id int64, endedBy string, now, idleSince time.Time) (store.Handoff, error) {
	var h store.Handoff
	err := v.inTx(ctx, func(tx view) error {
		since := tx.t(endOfTime) // whatever the activity
		if !idleSince.IsZero() {
			since = tx.t(idleSince)
		}
		var err error
		h, err = one(ctx, tx, tx.handoffDest, closeHandoff, id, endedBy, tx.t(now), since)
		if errors.Is(err, store.ErrNotFound) {
			if h, err = one(ctx, tx, tx.handoffDest, selectHandoff, id); err != nil {
				return err
			}
			if h.State == store.HandoffClosed {
				return store.ErrHandoffClosed
			}
			return store.ErrStillActive
		}
		if err != nil {
			return err
		}
		jobs := []river.InsertManyParams{{Args: store.HandoffThreadArgs{HandoffID: id, Refresh: true}}}
		if err := tx.addHandoffMessage(ctx, store.HandoffMessage{HandoffID: id, Kind: store.HandoffEnded, Author: endedBy, CreatedAt: now}, nil); err != nil {
			return err
		}
		if endedBy != store.EndedByUser {
			// The user who ended it is told in the turn's reply.
			if err := tx.addHandoffMessage(ctx, store.HandoffMessage{HandoffID: id, ToUser: true, Kind: store.HandoffEnded, Author: endedBy, CreatedAt: now}, nil); err != nil {
				return err
			}
			jobs = append(jobs, river.InsertManyParams{Args: store.HandoffPushArgs{HandoffID: id}})
		}
		return tx.insertJobs(ctx, jobs...)
	})
	if err != nil {
		return h, fmt.Errorf("close hand-off %d: %w", id, err)
	}
	return h, nil
}

func (v view) AddHandoffMessage(ctx context.Context, m store.HandoffMessage, eventID string) (store.Handoff, bool, error) {
	var h store.Handoff
	var added bool
	err := v.inTx(ctx, func(tx view) error {
		var err error
		staffAnswer := m.ToUser && m.Kind == store.HandoffText
		h, err = one(ctx, tx, tx.handoffDest, touchHandoff, m.HandoffID, tx.t(m.CreatedAt), staffAnswer)
		if errors.Is(err, store.ErrNotFound) {
			if h, err = one(ctx, tx, tx.handoffDest, selectHandoff, m.HandoffID); err != nil {
				return err
			}
			return store.ErrHandoffClosed
		}
		if err != nil {
			return err
		}
		var event any // NULL: no dedupe
		if eventID != "" {
			event = eventID
		}
		n, err := tx.exec(ctx, insertHandoffMessage, m.HandoffID, m.ToUser, m.Kind, m.Text, m.Author, event, tx.t(m.CreatedAt))
		if err != nil || n == 0 {
			return err
		}
		added = true
		var job river.JobArgs = store.HandoffThreadArgs{HandoffID: m.HandoffID}
		if m.ToUser {
			job = store.HandoffPushArgs{HandoffID: m.HandoffID}
		}
		return tx.insertJobs(ctx, river.InsertManyParams{Args: job})
	})
	if err != nil {
		return h, false, fmt.Errorf("hand-off %d: add a message: %w", m.HandoffID, err)
	}
	return h, added, nil
}

// addHandoffMessage adds a message without dedupe or activity.
func (v view) addHandoffMessage(ctx context.Context, m store.HandoffMessage, eventID any) error {
	_, err := v.exec(ctx, insertHandoffMessage, m.HandoffID, m.ToUser, m.Kind, m.Text, m.Author, eventID, v.t(m.CreatedAt))
	return err
}

func (v view) NextHandoffMessage(ctx context.Context, handoffID int64, toUser bool) (store.HandoffMessage, error) {
	m, err := one(ctx, v, func(m *store.HandoffMessage) []any {
		return []any{&m.Seq, &m.HandoffID, &m.UserID, &m.ToUser, &m.Kind, &m.Text, &m.Author, timeDest{&m.CreatedAt}}
	}, selectNextHandoffMessage, handoffID, toUser)
	if err != nil {
		return m, fmt.Errorf("hand-off %d: next message: %w", handoffID, err)
	}
	return m, nil
}

func (v view) MarkHandoffMessageSent(ctx context.Context, seq int64, now time.Time, blocked bool) error {
	err := v.inTx(ctx, func(tx view) error {
		var id int64
		err := tx.row(ctx, markHandoffMessageSent, []any{seq, tx.t(now)}, &id)
		if err != nil || !blocked {
			return ignoreNotFound(err) // not found: marked already, nothing more to do
		}
		if err := tx.addHandoffMessage(ctx, store.HandoffMessage{HandoffID: id, Kind: store.HandoffBlocked, CreatedAt: now}, nil); err != nil {
			return err
		}
		return tx.insertJobs(ctx, river.InsertManyParams{Args: store.HandoffThreadArgs{HandoffID: id}})
	})
	if err != nil {
		return fmt.Errorf("hand-off message %d: mark sent: %w", seq, err)
	}
	return nil
}

func ignoreNotFound(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}

func (v view) RecentMessages(ctx context.Context, userID string, now time.Time, n int) ([]store.RecentMessage, error) {
	ms, err := list(ctx, v, func(m *store.RecentMessage) []any {
		return []any{&m.Kind, &m.Text, timeDest{&m.At}}
	}, selectRecentMessages, userID, v.t(now), n)
	if err != nil {
		return nil, fmt.Errorf("recent messages: %w", err)
	}
	for i, j := 0, len(ms)-1; i < j; i, j = i+1, j-1 {
		ms[i], ms[j] = ms[j], ms[i]
	}
	return ms, nil
}

func (v view) UserIntroductions(ctx context.Context, userID string, n int) ([]store.Introduction, error) {
	ins, err := list(ctx, v, v.introductionDetailDest, selectUserIntroductions, userID, n)
	if err != nil {
		return nil, fmt.Errorf("list the user's introductions: %w", err)
	}
	return ins, nil
}

// eraseHandoffs deletes the user's hand-offs and their messages (for DeleteUserData).
func (v view) eraseHandoffs(ctx context.Context, userID string) error {
	for _, q := range []string{deleteUserHandoffMessages, deleteUserHandoffs} {
		if _, err := v.exec(ctx, q, userID); err != nil {
			return err
		}
	}
	return nil
}

// purgeHandoffs drops delivered messages and ended hand-offs before cutoff
// (for PurgeBefore), and returns how many rows went.
func (v view) purgeHandoffs(ctx context.Context, cutoff time.Time) (int64, error) {
	var n int64
	for _, q := range []string{purgeHandoffMessages, purgeHandoffs} {
		m, err := v.exec(ctx, q, v.t(cutoff))
		if err != nil {
			return 0, err
		}
		n += m
	}
	return n, nil
}
