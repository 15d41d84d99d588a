package line_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/amamibot/amamibot/bot/line"
	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/store/storetest"
)

const secret = "test-channel-secret"

// sign is X-Line-Signature for body under secret.
func sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// post sends body to h signed with sig (none when empty) and returns the response.
func post(h http.Handler, body []byte, sig string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/line/webhook", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	if sig != "" {
		r.Header.Set("X-Line-Signature", sig)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// logBuffer collects log lines for assertions; safe for concurrent use.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newLogger() (*slog.Logger, *logBuffer) {
	var b logBuffer
	return slog.New(slog.NewTextHandler(&b, &slog.HandlerOptions{Level: slog.LevelDebug})), &b
}

// body wraps webhook event objects in a callback request.
func body(events ...string) []byte {
	return []byte(`{"destination":"U0123456789abcdef0123456789abcdef","events":[` + strings.Join(events, ",") + `]}`)
}

// ev is a webhook event object of type typ from a one-to-one chat with user,
// happening now, with reply token "rt-<id>"; extra holds the type's own
// fields.
func ev(id, user, typ, extra string) string {
	return evWith(id, user, typ, "rt-"+id, time.Now(), extra)
}

// evWith is ev with its reply token and time.
func evWith(id, user, typ, token string, at time.Time, extra string) string {
	return fmt.Sprintf(`{"type":%q,"mode":"active","timestamp":%d,"source":{"type":"user","userId":%q},`+
		`"webhookEventId":%q,"deliveryContext":{"isRedelivery":false},"replyToken":%q%s}`, typ, at.UnixMilli(), user, id, token, extra)
}

func textEv(id, user, text string) string {
	return ev(id, user, "message", textMsg(id, text))
}

func textMsg(id, text string) string {
	return fmt.Sprintf(`,"message":{"id":"m%s","type":"text","quoteToken":"q","text":%q}`, id, text)
}

func postbackMsg(data string) string {
	return fmt.Sprintf(`,"postback":{"data":%q}`, data)
}

// recorded drains the user's unhandled events from the inbox, in order.
func recorded(t *testing.T, inbox store.Inbox, user string) []store.Event {
	t.Helper()
	var out []store.Event
	for {
		e, ok, err := inbox.NextEvent(t.Context(), user)
		if err != nil {
			t.Fatalf("NextEvent: %v", err)
		}
		if !ok {
			return out
		}
		out = append(out, e)
		if err := inbox.MarkHandled(t.Context(), e.ID, time.Now(), nil); err != nil {
			t.Fatalf("MarkHandled: %v", err)
		}
	}
}

func newWebhook(t *testing.T) (*line.Webhook, store.Store, *logBuffer) {
	t.Helper()
	logger, logs := newLogger()
	st := storetest.OpenSQLite(t, store.Options{Logger: logger})
	return &line.Webhook{Secret: secret, Inbox: st, Logger: logger}, st, logs
}

func TestWebhookRecordsWhatATurnCanAnswer(t *testing.T) {
	h, st, logs := newWebhook(t)
	const user = "U1111111111111111111111111111111a"
	b := body(
		textEv("01A", user, "セミナー申込"),
		ev("01B", user, "postback", postbackMsg("seminar:s1")),
		ev("01C", user, "follow", `,"follow":{"isUnblocked":false}`),
		ev("01D", user, "message", `,"message":{"id":"m1","type":"sticker","quoteToken":"q","packageId":"1","stickerId":"2","stickerResourceType":"STATIC"}`),
		ev("01E", user, "message", `,"message":{"id":"m2","type":"image","quoteToken":"q","contentProvider":{"type":"line"}}`),
		ev("01F", user, "message", `,"message":{"id":"m3","type":"location","latitude":28.3,"longitude":129.5,"address":"奄美市"}`),
		// The user blocked the account: a turn records it, with nothing to answer.
		`{"type":"unfollow","mode":"active","timestamp":1,"source":{"type":"user","userId":"`+user+`"},"webhookEventId":"01H","deliveryContext":{"isRedelivery":false}}`,
		// Not for a turn: standby, a group, an unknown type.
		strings.Replace(textEv("01G", user, "standby text"), `"mode":"active"`, `"mode":"standby"`, 1),
		strings.Replace(textEv("01I", user, "group text"), `"type":"user",`, `"type":"group","groupId":"C1",`, 1),
		ev("01J", user, "somethingNew", `,"payload":{"secret":"x"}`),
	)
	w := post(h, b, sign(secret, b))
	if w.Code != http.StatusOK {
		t.Fatalf("status %d %s, want 200", w.Code, w.Body)
	}
	got := recorded(t, st, user)
	want := []struct{ id, kind, text string }{
		{"01H", "unfollow", ""}, // first: its timestamp is the oldest
		{"01A", "text", "セミナー申込"},
		{"01B", "postback", "seminar:s1"},
		{"01C", "follow", ""},
		{"01D", "media", "sticker"},
		{"01E", "media", "image"},
		{"01F", "media", "location"},
	}
	if len(got) != len(want) {
		t.Fatalf("recorded %d events, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		token := "rt-" + w.id
		if w.kind == "unfollow" {
			token = "" // LINE gives none: nothing can be sent
		}
		if g.ID != w.id || g.Kind != w.kind || g.Text != w.text || g.UserID != user || g.ReplyToken != token {
			t.Errorf("event %d = %+v, want id %s kind %s text %q with its reply token", i, g, w.id, w.kind, w.text)
		}
		if g.OccurredAt.IsZero() || g.ReceivedAt.IsZero() {
			t.Errorf("event %s: OccurredAt %v ReceivedAt %v, want both set", g.ID, g.OccurredAt, g.ReceivedAt)
		}
	}
	out := logs.String()
	if !strings.Contains(out, "somethingNew: unknown event type:1") {
		t.Errorf("the unknown event type is not logged:\n%s", out)
	}
	if n := strings.Count(out, "events ignored"); n != 1 || !strings.Contains(out, "events=3") {
		t.Errorf("%d log lines for the ignored events, want one counting 3:\n%s", n, out)
	}
	for _, secretish := range []string{user, "セミナー申込", "standby text", "rt-01A"} {
		if strings.Contains(out, secretish) {
			t.Errorf("logs contain %q:\n%s", secretish, out)
		}
	}
}

func TestWebhookRejectsBadSignatures(t *testing.T) {
	h, st, _ := newWebhook(t)
	const user = "U2222222222222222222222222222222b"
	b := body(textEv("02A", user, "メニュー"))
	tampered := bytes.Replace(b, []byte("メニュー"), []byte("キャンセル"), 1)
	for name, tc := range map[string]struct {
		body []byte
		sig  string
	}{
		"missing":      {b, ""},
		"tampered":     {tampered, sign(secret, b)},
		"other secret": {b, sign("another-secret", b)},
		"not base64":   {b, "!!!"},
	} {
		t.Run(name, func(t *testing.T) {
			if w := post(h, tc.body, tc.sig); w.Code != http.StatusUnauthorized {
				t.Errorf("status %d, want 401", w.Code)
			}
		})
	}
	if got := recorded(t, st, user); len(got) != 0 {
		t.Errorf("recorded %+v from requests with bad signatures", got)
	}
}

func TestWebhookBadRequests(t *testing.T) {
	h, _, _ := newWebhook(t)
	malformed := []byte(`{"destination":"U0","events":[{"type":"message",`)
	if w := post(h, malformed, sign(secret, malformed)); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "malformed") {
		t.Errorf("malformed JSON: status %d %q, want 400 with a reason", w.Code, w.Body)
	}
	notEvents := []byte(`{"destination":"U0","events":[42]}`)
	if w := post(h, notEvents, sign(secret, notEvents)); w.Code != http.StatusBadRequest {
		t.Errorf("events that are not objects: status %d, want 400", w.Code)
	}
	huge := body(textEv("03A", "U3", strings.Repeat("あ", line.MaxBodyBytes/3+1)))
	if w := post(h, huge, sign(secret, huge)); w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("body over 1 MiB: status %d, want 413", w.Code)
	}
	r := httptest.NewRequest(http.MethodGet, "/line/webhook", nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET: status %d, want 405", w.Code)
	}
	verify := body() // LINE's "Verify" button sends no events
	if w := post(h, verify, sign(secret, verify)); w.Code != http.StatusOK {
		t.Errorf("verify request: status %d, want 200", w.Code)
	}
}

func TestWebhookRecordsAnEventOnce(t *testing.T) {
	h, st, _ := newWebhook(t)
	const user = "U4444444444444444444444444444444d"
	b := body(textEv("04A", user, "メニュー"))
	redelivered := bytes.Replace(b, []byte(`"isRedelivery":false`), []byte(`"isRedelivery":true`), 1)
	var wg sync.WaitGroup
	for range 5 { // the same request at once, as from two replicas' load balancer
		wg.Go(func() {
			if w := post(h, b, sign(secret, b)); w.Code != http.StatusOK {
				t.Errorf("status %d %s, want 200", w.Code, w.Body)
			}
		})
	}
	wg.Wait()
	if got := recorded(t, st, user); len(got) != 1 {
		t.Fatalf("recorded %d events, want 1", len(got))
	}
	// Redelivered later, after it was handled: acknowledged, not recorded again.
	if w := post(h, redelivered, sign(secret, redelivered)); w.Code != http.StatusOK {
		t.Fatalf("redelivery: status %d, want 200", w.Code)
	}
	if got := recorded(t, st, user); len(got) != 0 {
		t.Errorf("redelivery recorded again: %+v", got)
	}
}

// A NUL (which Postgres refuses in text) in one user's message must not fail
// the delivery: every event is recorded, the text without the NUL.
func TestWebhookCleansTextAtTheEdge(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			logger, _ := newLogger()
			st := b.open(t, store.Options{Logger: logger})
			h := &line.Webhook{Secret: secret, Inbox: st, Logger: logger}
			good, bad := newUser(), newUser()
			nul := func(s string) string { return strings.ReplaceAll(s, "NUL", `\u0000`) }
			d := body(
				textEv("05A", good, "メニュー"),
				nul(textEv("05B", bad, "セミナーNUL申込")),
				nul(ev("05C", bad, "postback", postbackMsg("seminar:NULs1"))),
				textEv("05D", good, "キャンセル"),
			)
			if w := post(h, d, sign(secret, d)); w.Code != http.StatusOK {
				t.Fatalf("status %d %s, want 200", w.Code, w.Body)
			}
			if got := recorded(t, st, good); len(got) != 2 || got[0].Text != "メニュー" || got[1].Text != "キャンセル" {
				t.Errorf("the other user's events: %+v, want both", got)
			}
			got := recorded(t, st, bad)
			if len(got) != 2 || got[0].Text != "セミナー申込" || got[1].Text != "seminar:s1" {
				t.Errorf("events with a NUL: %+v, want both recorded without it", got)
			}
		})
	}
}

// refusing is an inbox that refuses any batch holding one event, as a store
// would an event it cannot take.
type refusing struct {
	store.Inbox
	id string
}

func (r refusing) RecordEvents(ctx context.Context, events []store.Event) (int, error) {
	for _, e := range events {
		if e.ID == r.id {
			return 0, errors.New("refused")
		}
	}
	return r.Inbox.RecordEvents(ctx, events)
}

// One event the store refuses fails the delivery (so LINE redelivers it) but
// loses none of the others.
func TestWebhookRecordsTheOthersWhenOneIsRefused(t *testing.T) {
	_, st, _ := newWebhook(t)
	logger, logs := newLogger()
	h := &line.Webhook{Secret: secret, Inbox: refusing{st, "06B"}, Logger: logger}
	a, b := newUser(), newUser()
	d := body(textEv("06A", a, "メニュー"), textEv("06B", b, "refused"), textEv("06C", a, "キャンセル"))
	if w := post(h, d, sign(secret, d)); w.Code != http.StatusInternalServerError {
		t.Errorf("status %d, want 500 so that LINE redelivers the refused event", w.Code)
	}
	if got := recorded(t, st, a); len(got) != 2 {
		t.Errorf("recorded %+v, want the two events the store takes", got)
	}
	if out := logs.String(); !strings.Contains(out, "event=06B") || strings.Contains(out, "refused\"") {
		t.Errorf("logs should name the refused event:\n%s", out)
	}
}

// A delivery with more events than LINE ever sends is refused whole; the
// ignored events of an ordinary one cost one log line, not one each.
func TestWebhookCapsEventsPerDelivery(t *testing.T) {
	h, st, logs := newWebhook(t)
	user := newUser()
	unfollow := func(i int) string { // in standby mode: another channel answers
		return fmt.Sprintf(`{"type":"unfollow","mode":"standby","timestamp":1,"source":{"type":"user","userId":%q},"webhookEventId":"07U%d","deliveryContext":{"isRedelivery":false}}`, user, i)
	}
	var many []string
	for i := range line.MaxEvents {
		many = append(many, unfollow(i))
	}
	d := body(many...)
	if w := post(h, d, sign(secret, d)); w.Code != http.StatusOK {
		t.Fatalf("%d ignored events: status %d %s, want 200", len(many), w.Code, w.Body)
	}
	if n := strings.Count(logs.String(), "line webhook"); n != 1 || !strings.Contains(logs.String(), fmt.Sprintf("events=%d", line.MaxEvents)) {
		t.Errorf("%d log lines for %d ignored events, want one with their count:\n%s", n, line.MaxEvents, logs)
	}

	d = body(append(many, textEv("07A", user, "メニュー"))...)
	w := post(h, d, sign(secret, d))
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "events in one delivery") {
		t.Errorf("%d events: status %d %q, want 400 with the reason", line.MaxEvents+1, w.Code, w.Body)
	}
	if got := recorded(t, st, user); len(got) != 0 {
		t.Errorf("recorded %+v from a refused delivery", got)
	}
}
