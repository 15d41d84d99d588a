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
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"

	"github.com/amamibot/amamibot/flows"
	"github.com/amamibot/amamibot/store"
)

// MaxBodyBytes caps a webhook request body. LINE's own requests are a few
// kilobytes; anything larger is answered 413 before it is parsed.
const MaxBodyBytes = 1 << 20

// Webhook serves POST /line/webhook: it verifies the signature, records the
// users' events in the inbox (which queues their turns) and answers 200.
type Webhook struct {
	Secret string // the channel secret, to verify X-Line-Signature
	Inbox  store.Inbox
	Logger *slog.Logger
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
	events := h.convert(r, cb.Events, time.Now().UTC())
	if len(events) == 0 {
		return // LINE's "verify" request carries no events
	}
	n, err := h.Inbox.RecordEvents(r.Context(), events)
	if err != nil {
		// 500 makes LINE redeliver (when redelivery is on); nothing was recorded.
		h.Logger.ErrorContext(r.Context(), "line webhook: record events", "events", len(events), "err", err)
		http.Error(w, "could not record events", http.StatusInternalServerError)
		return
	}
	h.Logger.DebugContext(r.Context(), "line webhook: recorded", "events", len(events), "new", n)
}

// convert keeps the events a turn can answer, in the order LINE sent them.
func (h *Webhook) convert(r *http.Request, in []webhook.EventInterface, received time.Time) []store.Event {
	var out []store.Event
	for _, ev := range in {
		e, why := event(ev)
		if why != "" {
			h.Logger.InfoContext(r.Context(), "line webhook: event ignored", "type", ev.GetType(), "why", why)
			continue
		}
		e.ReceivedAt = received
		out = append(out, e)
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
		return e, "unfollow: the user blocked the account, nothing can be sent"
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
	return e, ""
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
