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

// Runner runs one turn of a user's conversation: load the session, step the
// flow (which commits its effects), save the session. The caller holds the
// user's lock (store.Inbox.LockUser) so turns of one user never overlap.
type Runner struct {
	Sessions store.Sessions
	Flows    *flows.Bot
	Logger   *slog.Logger
	Metrics  *Metrics // nil: not measured
}

// Turn handles one event and returns the replies to send. An event whose turn
// was already applied (a retry after a crash between saving the session and
// delivering) changes nothing and returns the same replies again.
func (r *Runner) Turn(ctx context.Context, now time.Time, e store.Event) ([]flows.Reply, error) {
	var s flows.Session
	raw, err := r.Sessions.Session(ctx, e.UserID)
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
	next, replies, err := r.Flows.Step(ctx, flows.Turn{
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
	if err := r.Sessions.SaveSession(ctx, e.UserID, data, sessionTTL); err != nil {
		return nil, fmt.Errorf("save session: %w", err)
	}
	return replies, nil
}
