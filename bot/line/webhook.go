// Package line is amamibot's LINE channel: the webhook that records users'
// events, the job workers that run their turns and deliver the replies, and
// the renderer from flows' channel-neutral replies to LINE messages.
//
// The webhook only verifies and records (principle 6: ack fast, send later);
// a TurnArgs job then handles the user's events in order under the user's
// lock, replies with the reply token while it is fresh, and otherwise falls
// back to a push job carrying X-Line-Retry-Key.
package line

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"

	"github.com/amamibot/amamibot/flows"
	"github.com/amamibot/amamibot/store"
)

// MaxBodyBytes caps a webhook request body. LINE's own requests are a few
// kilobytes; anything larger is answered 413 before it is parsed.
const MaxBodyBytes = 1 << 20

// MaxEvents caps the events of one delivery. LINE sends a few at a time; a
// request with more is answered 400 and nothing of it is recorded.
const MaxEvents = 100

// Webhook serves POST /line/webhook: it verifies the signature, records the
// users' events in the inbox (which queues their turns) and answers 200.
type Webhook struct {
	Secret string // the channel secret, to verify X-Line-Signature
	Inbox  store.Inbox
	Logger *slog.Logger
	// Turns, when set, runs the users' turns right after the events are
	// recorded; their jobs run them otherwise.
	Turns *Turns
}

func (h *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "use POST", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			http.Error(w, fmt.Sprintf("body larger than %d bytes", MaxBodyBytes), http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "could not read body", http.StatusBadRequest)
		return
	}
	// ValidateSignature compares in constant time; a missing header fails
	// to decode and is rejected the same way.
	if !webhook.ValidateSignature(h.Secret, r.Header.Get("X-Line-Signature"), body) {
		h.Logger.WarnContext(r.Context(), "line webhook: bad signature", "remote", r.RemoteAddr)
		http.Error(w, "invalid X-Line-Signature", http.StatusUnauthorized)
		return
	}
	var cb webhook.CallbackRequest
	if err := json.Unmarshal(body, &cb); err != nil {
		http.Error(w, "malformed webhook body: "+err.Error(), http.StatusBadRequest)
		return
	}
	if len(cb.Events) > MaxEvents {
		http.Error(w, fmt.Sprintf("%d events in one delivery, more than the %d accepted", len(cb.Events), MaxEvents), http.StatusBadRequest)
		return
	}
	events := h.convert(r, cb.Events, time.Now().UTC())
	if len(events) == 0 {
		return // LINE's "verify" request carries no events
	}
	err = h.record(r.Context(), events)
	if h.Turns != nil {
		for _, e := range events {
			h.Turns.Run(e.UserID) // queues a user once
		}
	}
	if err != nil {
		// 500 makes LINE redeliver (when redelivery is on); the events
		// recorded already are recognised by their webhookEventId then.
		http.Error(w, "could not record events", http.StatusInternalServerError)
	}
}

// record records the events in the inbox: all at once, and when that fails,
// one at a time, so that one event the store refuses does not lose the
// others of its delivery. It returns an error if any event is not recorded.
func (h *Webhook) record(ctx context.Context, events []store.Event) error {
	n, err := h.Inbox.RecordEvents(ctx, events)
	if err == nil {
		h.Logger.DebugContext(ctx, "line webhook: recorded", "events", len(events), "new", n)
		return nil
	}
	if len(events) == 1 {
		h.Logger.ErrorContext(ctx, "line webhook: record event", "event", events[0].ID, "err", err)
		return err
	}
	var failed error
	for _, e := range events {
		if _, err := h.Inbox.RecordEvents(ctx, []store.Event{e}); err != nil {
			h.Logger.ErrorContext(ctx, "line webhook: record event", "event", e.ID, "err", err)
			failed = err
		}
	}
	return failed
}

// convert keeps the events a turn can answer, in the order LINE sent them,
// and logs the others in one line: their count per type and reason.
func (h *Webhook) convert(r *http.Request, in []webhook.EventInterface, received time.Time) []store.Event {
	var out []store.Event
	ignored := map[string]int{}
	for _, ev := range in {
		e, why := event(ev)
		if why != "" {
			ignored[ev.GetType()+": "+why]++
			continue
		}
		e.ReceivedAt = received
		out = append(out, e)
	}
	if len(ignored) > 0 {
		h.Logger.InfoContext(r.Context(), "line webhook: events ignored", "events", len(in)-len(out), "why", ignored)
	}
	return out
}

// event converts one webhook event, or says why it is ignored.
func event(ev webhook.EventInterface) (e store.Event, ignored string) {
	var (
		src   webhook.SourceInterface
		mode  webhook.EventMode
		input flows.InputKind
		text  string
	)
	switch ev := ev.(type) {
	case webhook.MessageEvent:
		e = store.Event{ID: ev.WebhookEventId, ReplyToken: ev.ReplyToken, OccurredAt: millis(ev.Timestamp)}
		src, mode = ev.Source, ev.Mode
		input, text = message(ev.Message)
	case webhook.PostbackEvent:
		e = store.Event{ID: ev.WebhookEventId, ReplyToken: ev.ReplyToken, OccurredAt: millis(ev.Timestamp)}
		src, mode = ev.Source, ev.Mode
		input = flows.Postback
		if ev.Postback != nil {
			text = ev.Postback.Data
		}
	case webhook.FollowEvent:
		e = store.Event{ID: ev.WebhookEventId, ReplyToken: ev.ReplyToken, OccurredAt: millis(ev.Timestamp)}
		src, mode = ev.Source, ev.Mode
		input = flows.Follow
	case webhook.UnfollowEvent:
		// Nothing can be sent to a user who blocked the account; the turn
		// records it, so announcements skip them until they come back.
		e = store.Event{ID: ev.WebhookEventId, OccurredAt: millis(ev.Timestamp)}
		src, mode = ev.Source, ev.Mode
		input = flows.Unfollow
	case webhook.UnknownEvent:
		return e, "unknown event type"
	default:
		return e, "not handled by this bot"
	}
	if mode == webhook.EventMode_STANDBY {
		return e, "standby mode: another channel answers"
	}
	// Conversations are one-to-one. In a group or room the bot would answer
	// every member's chatter, and a push fallback would reach the member
	// instead of the group.
	user, ok := src.(webhook.UserSource)
	if !ok || user.UserId == "" {
		return e, "not a one-to-one chat with a known user"
	}
	if e.ID == "" {
		return e, "no webhookEventId to dedupe on"
	}
	e.UserID, e.Kind, e.Text = user.UserId, string(input), text
	e.ID, e.UserID, e.ReplyToken, e.Text = clean(e.ID), clean(e.UserID), clean(e.ReplyToken), clean(e.Text)
	return e, ""
}

// clean makes text from outside safe to store: valid UTF-8 (a bad byte
// becomes U+FFFD) without NUL, which Postgres refuses in text and which no
// one types on purpose.
func clean(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

// message maps a message's content to the input a flow understands: text as
// typed, anything else as media named by its type ("sticker", "image"...),
// which flows answer politely.
func message(m webhook.MessageContentInterface) (flows.InputKind, string) {
	if t, ok := m.(webhook.TextMessageContent); ok {
		return flows.Text, t.Text
	}
	if m == nil {
		return flows.Media, "unknown"
	}
	return flows.Media, m.GetType()
}

func millis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }
