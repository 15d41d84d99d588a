// Package bot connects channels to the flows. Each channel has its own
// package (bot/line, ...); this one holds what they share: the turn runner.
package bot

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/amamibot/amamibot/flows"
	"github.com/amamibot/amamibot/store"
)

// sessionTTL keeps a session well past flows.IdleTimeout, so that a user who
// comes back late is told that the flow expired rather than silently reset.
const sessionTTL = 24 * time.Hour

// Runner runs one turn of a user's conversation inside the turn's
// transaction (store.Store.Turn): load the session, step the flow with its
// stores bound to the transaction, save the session. So the effects, their
// jobs and the next session commit together, or not at all.
type Runner struct {
	Flows   *flows.Bot
	Logger  *slog.Logger
	Metrics *Metrics // nil: not measured
}

// Turn handles one event in tx and returns the replies to send. An event
// whose turn was already applied changes nothing and returns the same
// replies again.
func (r *Runner) Turn(ctx context.Context, tx store.Tx, now time.Time, e store.Event) ([]flows.Reply, error) {
	var s flows.Session
	raw, err := tx.Session(ctx, e.UserID)
	if err != nil {
		return nil, fmt.Errorf("load session: %w", err)
	}
	if raw != nil {
		if err := json.Unmarshal(raw, &s); err != nil {
			// A session we cannot read must not lock the user out: start afresh.
			r.Logger.WarnContext(ctx, "unreadable session, starting afresh", "err", err)
			s = flows.Session{}
		}
	}
	if s.LastEvent == e.ID {
		return s.LastReplies, nil
	}
	next, replies, err := bind(r.Flows, tx).Step(ctx, flows.Turn{
		Now:     now,
		UserID:  e.UserID,
		Session: s,
		Input:   flows.Input{Kind: flows.InputKind(e.Kind), Text: e.Text},
	})
	r.Metrics.turn(cmp.Or(next.Flow, s.Flow, "menu"), err)
	if err != nil {
		return nil, err
	}
	next.LastEvent = e.ID
	next.LastReplies = replies
	next.LastActive = now
	data, err := json.Marshal(next)
	if err != nil {
		return nil, fmt.Errorf("encode session: %w", err)
	}
	if err := tx.SaveSession(ctx, e.UserID, data, sessionTTL); err != nil {
		return nil, fmt.Errorf("save session: %w", err)
	}
	return replies, nil
}

// bind is a copy of b whose stores are the turn's transaction: every store
// the flows use must be set here.
func bind(b *flows.Bot, tx store.Tx) *flows.Bot {
	turn := *b
	turn.Seminars, turn.Intros, turn.Bookings, turn.Privacy, turn.FAQ = tx, tx, tx, tx, tx
	if turn.Handoffs != nil {
		turn.Handoffs = tx
	}
	if b.Announce != nil {
		turn.Announce = tx
	}
	if b.Followups != nil {
		turn.Followups = tx
	}
	return &turn
}
