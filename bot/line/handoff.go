package line

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/riverqueue/river"

	"github.com/amamibot/amamibot/flows"
	"github.com/amamibot/amamibot/store"
)

// HandoffPushWorker pushes a hand-off's messages to its user, in order
// (store.HandoffPushArgs): what staff wrote in the thread, and the end.
// Each is marked delivered once LINE took it; the retry key derives from
// the message, so a push retried after a crash shows once. A text longer
// than a push can carry goes out in several. LINE refusing a push (400 or
// 403: the user blocked the account) marks it delivered and says so in the
// thread, so that nothing retries forever.
type HandoffPushWorker struct {
	river.WorkerDefaults[store.HandoffPushArgs]
	Store  store.Handoffs
	Flows  *flows.Bot
	Client *Client
	Logger *slog.Logger
}

func (w *HandoffPushWorker) Work(ctx context.Context, job *river.Job[store.HandoffPushArgs]) error {
	for {
		m, err := w.Store.NextHandoffMessage(ctx, job.Args.HandoffID, true)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		blocked := false
		for i, msgs := range handoffPushes(w.Flows.HandoffPush(m)) {
			err := w.Client.Push(ctx, m.UserID, msgs, retryKey("handoff:"+strconv.FormatInt(m.Seq, 10)+":"+strconv.Itoa(i)))
			var apiErr *APIError
			switch {
			case err == nil:
				continue
			case errors.As(err, &apiErr) && (apiErr.StatusCode == http.StatusForbidden || apiErr.StatusCode == http.StatusBadRequest):
				w.Logger.WarnContext(ctx, "line hand-off push: refused, telling staff", "user", hashID(m.UserID), "status", apiErr.StatusCode)
				blocked = true
			case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusTooManyRequests:
				return river.JobSnooze(max(apiErr.RetryAfter, time.Minute))
			default:
				return fmt.Errorf("hand-off %d: push message %d: %w", m.HandoffID, m.Seq, err)
			}
			break
		}
		if err := w.Store.MarkHandoffMessageSent(ctx, m.Seq, time.Now(), blocked); err != nil {
			return err
		}
	}
}

// handoffPushes are the pushes of a hand-off message's replies: texts of at
// most LINE's length, five a push, the choices on the last.
func handoffPushes(replies []flows.Reply) [][]messaging_api.MessageInterface {
	var texts []string
	var choices []flows.Choice
	for _, r := range replies {
		texts = append(texts, splitText(r.Text, maxTextUnits)...)
		choices = r.Choices
	}
	var pushes [][]messaging_api.MessageInterface
	for i, t := range texts {
		if i%maxMessages == 0 {
			pushes = append(pushes, nil)
		}
		msg := &messaging_api.TextMessage{Text: t}
		if i == len(texts)-1 {
			msg.QuickReply = quickReply(choices)
		}
		pushes[len(pushes)-1] = append(pushes[len(pushes)-1], msg)
	}
	return pushes
}

// DisplayName returns the user's LINE display name (for staff's alerts).
func (c *Client) DisplayName(ctx context.Context, userID string) (string, error) {
	api, err := c.api(ctx)
	if err != nil {
		return "", err
	}
	res, p, err := api.GetProfileWithHttpInfo(userID)
	if err := apiError("profile", res, err); err != nil {
		return "", err
	}
	return p.DisplayName, nil
}

// AddHandoffWorkers adds the worker that pushes hand-offs' messages.
func AddHandoffWorkers(workers *river.Workers, st store.Handoffs, b *flows.Bot, client *Client, logger *slog.Logger) {
	river.AddWorker(workers, &HandoffPushWorker{Store: st, Flows: b, Client: client, Logger: logger})
}
