package line

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/riverqueue/river"

	"github.com/amamibot/amamibot/bot"
	"github.com/amamibot/amamibot/store"
)

const (
	// replyWindow is how long after an event its reply token is used. LINE's
	// tokens last about a minute; past this, the reply goes out as a push.
	replyWindow = 50 * time.Second
	// giveUpAfter is how old an event may get while its turn keeps failing
	// before it is set aside, so that one bad event cannot hold up every
	// later event of the user. A store outage does not trigger it: setting
	// the event aside needs the store too.
	giveUpAfter = 15 * time.Minute
	// outboxDelay is how long a turn's replies may stay held on its event
	// (store.Outbox) before the sweep gives them a job: long enough for
	// the send right after the commit (LINE answers in milliseconds; the
	// client gives up after 10 s), short enough that a crash delays the
	// replies by seconds.
	outboxDelay = 15 * time.Second
	// turnTimeout bounds one run of a user's turns; River retries after it.
	// A run starts no turn with less than turnBudget left.
	turnTimeout = 10 * time.Second
	turnBudget  = 3 * time.Second
	// sendTimeout bounds sending a committed turn's replies, whatever is
	// left of the run's time: they are committed and must go.
	sendTimeout = 10 * time.Second
	// lockWaitWarning is how long a turn waits for the user's previous turn
	// before the wait is logged.
	lockWaitWarning = 2 * time.Second
)

// TurnWorker handles a user's unhandled events (store.TurnArgs) in order.
// Each event is one atomic turn (store.Store.Turn): the flow's effects and
// their jobs, the next session, and the event marked handled with its
// replies held on it (store.Outbox) commit together. The replies are sent
// right after the commit and then forgotten; should the send fail, or the
// process die in between, a job (store.ReplyArgs, ReplyWorker) sends them.
// Whichever of the user's turn jobs runs first handles all their events; the
// others find none left. A user's queued events are handled together, in one
// transaction (maxTurnEvents); each still has its own effects, outbox entry
// and replies. Turns runs the same turns right after the webhook.
type TurnWorker struct {
	river.WorkerDefaults[store.TurnArgs]
	Store  store.Store
	Runner *bot.Runner
	Client *Client
	Logger *slog.Logger
	Now    func() time.Time // nil: time.Now

	// committed, when set, runs after a turn commits and before its replies
	// are sent (tests kill the turn there).
	committed func(store.ReplyArgs)
}

func (w *TurnWorker) Timeout(*river.Job[store.TurnArgs]) time.Duration { return turnTimeout }

func (w *TurnWorker) Work(ctx context.Context, job *river.Job[store.TurnArgs]) error {
	return w.Handle(ctx, job.Args.UserID)
}

// Handle runs the user's turns until no event is left. It may run right
// after a webhook is acknowledged as well as from a TurnArgs job: turns of
// one user take turns, and an event is handled once.
func (w *TurnWorker) Handle(ctx context.Context, user string) error {
	// One read without the lock says whether a turn is due: usually not,
	// for a job, whose turn ran right after the webhook (Turns), nor after
	// the last event. An event recorded after the read has its own job or
	// Turns.Run.
	if _, ok, err := w.Store.NextEvent(ctx, user); err != nil || !ok {
		return err
	}
	return w.handle(ctx, user)
}

// handle runs the user's turns until no event is left, without Handle's
// first read: Turns calls it for events it knows were just recorded.
func (w *TurnWorker) handle(ctx context.Context, user string) error {
	limit := maxTurnEvents
	for {
		if d, ok := ctx.Deadline(); ok && time.Until(d) < turnBudget {
			return river.JobSnooze(0) // run again at once for the events left
		}
		outs, found, err := w.turn(ctx, user, limit)
		var fewer fewerEvents
		if errors.As(err, &fewer) {
			limit = int(fewer) // commit the turns before the failing one
			continue
		}
		limit = maxTurnEvents
		if errors.As(err, new(setAside)) {
			err = w.setAside(ctx, user, err.(setAside))
		}
		if err != nil {
			return err // River retries; the event stays unhandled
		}
		if found == 0 {
			return nil
		}
		w.deliver(ctx, outs)
		if found < limit {
			return nil // the transaction read no event after these
		}
	}
}

// maxTurnEvents bounds the events of one user handled in one transaction.
// A user whose events queued up (a burst, or turns behind) has them handled
// together: one commit, one disk flush, instead of one each.
const maxTurnEvents = 8

// fewerEvents: the event after the first n of a transaction failed; the
// transaction is run again with those n only, and the failing event then
// has a turn of its own.
type fewerEvents int

func (f fewerEvents) Error() string { return fmt.Sprintf("an event after the first %d failed", int(f)) }

// outbox is the replies of a committed turn.
type outbox struct {
	args store.ReplyArgs
	msgs []messaging_api.MessageInterface
}

// setAside is an event whose turn kept failing for giveUpAfter.
type setAside struct {
	event store.Event
	err   error
}

func (s setAside) Error() string { return fmt.Sprintf("event %s keeps failing: %v", s.event.ID, s.err) }

// turn runs the turns of the user's next events, up to limit of them, in
// one transaction, and returns their replies and how many events it handled.
func (w *TurnWorker) turn(ctx context.Context, user string, limit int) (outs []outbox, found int, err error) {
	waiting := time.AfterFunc(lockWaitWarning, func() {
		w.Logger.WarnContext(ctx, "line turn: waiting for the user's previous turn", "user", hashID(user), "waited", lockWaitWarning)
	})
	defer waiting.Stop()
	err = w.Store.Turn(ctx, user, func(tx store.Tx) error {
		waiting.Stop()
		outs, found = outs[:0], 0
		events, err := tx.NextEvents(ctx, user, limit)
		if err != nil {
			return err
		}
		for _, e := range events {
			now := w.now()
			replies, err := w.Runner.Turn(ctx, tx, now, e)
			switch {
			case err != nil && found > 0:
				return fewerEvents(found)
			case err != nil && now.Sub(e.ReceivedAt) >= giveUpAfter:
				return setAside{e, err}
			case err != nil:
				return fmt.Errorf("turn of event %s: %w", e.ID, err)
			}
			found++
			var out outbox
			var raw []byte
			if msgs := Render(replies); len(msgs) > 0 {
				if raw, err = json.Marshal(msgs); err != nil {
					return fmt.Errorf("encode the replies: %w", err)
				}
				// Sent as encoded here: the SDK would encode them again.
				if out.msgs, err = rawMessages(raw); err != nil {
					return err
				}
			}
			if err := tx.MarkHandled(ctx, e.ID, now, raw); err != nil {
				return err
			}
			if raw == nil {
				continue
			}
			out.args = store.ReplyArgs{EventID: e.ID, UserID: e.UserID, ReplyToken: e.ReplyToken, OccurredAt: e.OccurredAt, Messages: raw}
			outs = append(outs, out)
		}
		return nil
	})
	return outs, found, err
}

// setAside marks an event handled without its effects or replies, in a turn
// of its own, so that the user's later events are served.
func (w *TurnWorker) setAside(ctx context.Context, user string, s setAside) error {
	w.Logger.ErrorContext(ctx, "line turn: event keeps failing, setting it aside", "user", hashID(user), "event", s.event.ID, "err", s.err)
	return w.Store.Turn(ctx, user, func(tx store.Tx) error {
		return tx.MarkHandled(ctx, s.event.ID, w.now(), nil)
	})
}

// deliver sends committed turns' replies, in order, and forgets them
// (store.Outbox). A reply sent but not forgotten (the process dies between
// the two, or forgetting fails) is sent again by a job: that gap is the
// only window in which a user can see a reply twice.
func (w *TurnWorker) deliver(ctx context.Context, outs []outbox) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendTimeout)
	defer cancel()
	var sent sync.WaitGroup
	for _, out := range outs {
		if w.committed != nil {
			w.committed(out.args)
		}
		if err := send(ctx, w.Client, w.Logger, w.now(), out.args, out.msgs, false); err != nil {
			w.Logger.WarnContext(ctx, "line reply: not sent; a job will send it", "user", hashID(out.args.UserID), "event", out.args.EventID, "err", err)
			if err := w.Store.RetryReplies(ctx, out.args.EventID); err != nil {
				w.Logger.WarnContext(ctx, "line reply: the sweep will send it", "user", hashID(out.args.UserID), "event", out.args.EventID, "err", err)
			}
			continue
		}
		// Side by side, so that they commit together (store.Outbox.RepliesSent).
		sent.Go(func() {
			if err := w.Store.RepliesSent(ctx, out.args.EventID); err != nil {
				w.Logger.WarnContext(ctx, "line reply: sent, but still held, so a job will send it again", "user", hashID(out.args.UserID), "event", out.args.EventID, "err", err)
			}
		})
	}
	sent.Wait()
}

func (w *TurnWorker) now() time.Time {
	if w.Now == nil {
		return time.Now()
	}
	return w.Now()
}

// ReplyWorker sends the replies of a turn that were not sent right after
// it (store.ReplyArgs, store.Outbox).
type ReplyWorker struct {
	river.WorkerDefaults[store.ReplyArgs]
	Client *Client
	Logger *slog.Logger
}

func (w *ReplyWorker) Work(ctx context.Context, job *river.Job[store.ReplyArgs]) error {
	msgs, err := rawMessages(job.Args.Messages)
	if err != nil {
		return river.JobCancel(fmt.Errorf("reply job %d: %w", job.ID, err))
	}
	// Unless the send right after the turn failed, the process died after
	// the turn committed, perhaps after LINE took the reply: then LINE
	// refuses the spent token, and the user already has the answer.
	return send(ctx, w.Client, w.Logger, time.Now(), job.Args, msgs, !job.Args.Failed)
}

// send sends a turn's replies with the event's reply token while it is
// fresh, else (or when the reply fails) as a push. The push's retry key
// derives from the event, so every retry of it is one push at LINE. With
// spentMeansSent, a fresh token that LINE refuses was spent on these very
// replies, and no push follows.
func send(ctx context.Context, c *Client, logger *slog.Logger, now time.Time, a store.ReplyArgs, msgs []messaging_api.MessageInterface, spentMeansSent bool) error {
	if a.ReplyToken != "" && now.Sub(a.OccurredAt) < replyWindow {
		err := c.Reply(ctx, a.ReplyToken, msgs)
		if err == nil {
			return nil
		}
		var apiErr *APIError
		if spentMeansSent && errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusBadRequest && strings.Contains(apiErr.Message, "Invalid reply token") {
			logger.InfoContext(ctx, "line reply: the token was spent before the restart; not sending again", "user", hashID(a.UserID), "event", a.EventID)
			return nil
		}
		logger.WarnContext(ctx, "line reply failed, falling back to push", "user", hashID(a.UserID), "event", a.EventID, "err", err)
	}
	return push(ctx, c, logger, a.UserID, msgs, retryKey("reply:"+a.EventID))
}
