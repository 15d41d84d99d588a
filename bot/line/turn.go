package line

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/amamibot/amamibot/bot"
	"github.com/amamibot/amamibot/flows"
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
)

// JobInserter inserts a job outside of any effect; store.Store is one.
type JobInserter interface {
	InsertJob(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error
}

// TurnWorker handles a user's unhandled events (store.TurnArgs) in order,
// under the user's lock, and delivers the replies. Whichever of the user's
// turn jobs runs first handles all their events; the others find none left.
type TurnWorker struct {
	river.WorkerDefaults[store.TurnArgs]
	Inbox  store.Inbox
	Jobs   JobInserter // for push fallbacks
	Runner *bot.Runner
	Client *Client
	Logger *slog.Logger
	Now    func() time.Time // nil: time.Now
}

func (w *TurnWorker) Work(ctx context.Context, job *river.Job[store.TurnArgs]) error {
	user := job.Args.UserID
	unlock, err := w.Inbox.LockUser(ctx, user)
	if err != nil {
		return fmt.Errorf("lock user %s: %w", hashID(user), err)
	}
	defer unlock()
	for {
		e, ok, err := w.Inbox.NextEvent(ctx, user)
		if err != nil {
			return fmt.Errorf("next event of user %s: %w", hashID(user), err)
		}
		if !ok {
			return nil
		}
		replies, err := w.Runner.Turn(ctx, w.now(), e)
		if err != nil {
			if w.now().Sub(e.ReceivedAt) < giveUpAfter {
				return fmt.Errorf("turn of event %s: %w", e.ID, err) // River retries; the event stays unhandled
			}
			w.Logger.ErrorContext(ctx, "line turn: event keeps failing, setting it aside", "user", hashID(user), "event", e.ID, "err", err)
		}
		if err := w.Inbox.MarkHandled(ctx, e.ID, w.now()); err != nil {
			return fmt.Errorf("mark event %s handled: %w", e.ID, err)
		}
		w.deliver(ctx, e, replies)
	}
}

// deliver sends a turn's replies with the event's reply token while it is
// fresh, else (or when the reply fails) through a push job. The push's retry
// key derives from the event, so a retried fallback is one push at LINE.
func (w *TurnWorker) deliver(ctx context.Context, e store.Event, replies []flows.Reply) {
	msgs := Render(replies)
	if len(msgs) == 0 {
		return
	}
	if e.ReplyToken != "" && w.now().Sub(e.OccurredAt) < replyWindow {
		err := w.Client.Reply(ctx, e.ReplyToken, msgs)
		if err == nil {
			return
		}
		w.Logger.WarnContext(ctx, "line reply failed, falling back to push", "user", hashID(e.UserID), "event", e.ID, "err", err)
	}
	raw, err := json.Marshal(msgs)
	if err == nil {
		err = w.Jobs.InsertJob(ctx, store.PushArgs{UserID: e.UserID, Messages: raw, RetryKey: retryKey("reply:" + e.ID)}, nil)
	}
	if err != nil {
		// The turn is committed and cannot be replayed: the reply is lost.
		w.Logger.ErrorContext(ctx, "line reply: could not queue the push fallback", "user", hashID(e.UserID), "event", e.ID, "err", err)
	}
}

func (w *TurnWorker) now() time.Time {
	if w.Now == nil {
		return time.Now()
	}
	return w.Now()
}
