package console

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/amamibot/amamibot/bot/line"
	"github.com/amamibot/amamibot/flows"
)

// lineConsole is a console emulating LINE in front of bot/line's own
// webhook handler, which records the events it accepts in the inbox.
func lineConsole(t *testing.T) (*Console, *httptest.Server, *inbox) {
	t.Helper()
	in := &inbox{}
	var webhook atomic.Pointer[line.Webhook] // set once the console made the secret
	mux := http.NewServeMux()
	mux.Handle("POST /line/webhook", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		webhook.Load().ServeHTTP(w, r)
	}))
	con, page := newConsole(t, mux, Options{LINE: true})
	creds, ok := con.LINE()
	if !ok {
		t.Fatal("LINE not emulated")
	}
	webhook.Store(&line.Webhook{Secret: creds.ChannelSecret, Inbox: in, Logger: discard})
	return con, page, in
}

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

func TestLINEEventsAreSignedAndUnderstood(t *testing.T) {
	_, page, in := lineConsole(t)

	var u struct{ ID string }
	if status := call(t, page, "POST", "/console/api/users", struct{}{}, &u); status != http.StatusOK {
		t.Fatalf("add user: status %d", status)
	}
	if !userIDPattern.MatchString(u.ID) {
		t.Errorf("user ID %q is not U and 32 hex digits", u.ID)
	}
	if e := in.last(t); e.UserID != u.ID || e.Kind != string(flows.Follow) || e.ReplyToken == "" || e.ID == "" {
		t.Errorf("follow event recorded as %+v", e)
	}

	for _, tc := range []struct {
		send           map[string]string
		kind, text     string
		shown, nothing bool
	}{
		{send: map[string]string{"kind": "text", "text": "メニュー"}, kind: "text", text: "メニュー", shown: true},
		{send: map[string]string{"kind": "postback", "data": "menu:seminar", "displayText": "セミナー申込"}, kind: "postback", text: "menu:seminar", shown: true},
		{send: map[string]string{"kind": "postback", "data": "pick@1"}, kind: "postback", text: "pick@1", nothing: true},
	} {
		tc.send["user"] = u.ID
		if status := call(t, page, "POST", "/console/api/send", tc.send, nil); status != http.StatusNoContent {
			t.Fatalf("send %v: status %d", tc.send, status)
		}
		if e := in.last(t); e.UserID != u.ID || e.Kind != tc.kind || e.Text != tc.text || e.ReplyToken == "" {
			t.Errorf("send %v: recorded %+v", tc.send, e)
		}
	}
	s := getState(t, page, u.ID)
	var shown []string
	for _, m := range s.Chat.Messages {
		shown = append(shown, m.From+":"+m.Text)
	}
	if got, want := strings.Join(shown, " | "), "system:友だち追加しました | user:メニュー | user:セミナー申込"; got != want {
		t.Errorf("chat shows %q, want %q (a postback without displayText shows nothing)", got, want)
	}
}

func TestLINEWebhookRefusesOtherSecrets(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("POST /line/webhook", &line.Webhook{Secret: "not the console's", Inbox: &inbox{}, Logger: discard})
	_, page := newConsole(t, mux, Options{LINE: true})
	// The signature is checked by the server, not assumed by the console:
	// the page is told that the webhook refused.
	if status := call(t, page, "POST", "/console/api/users", struct{}{}, nil); status != http.StatusBadGateway {
		t.Errorf("add user with a webhook of another secret: status %d, want 502", status)
	}
}

func TestLINEReplyTokenSingleUse(t *testing.T) {
	con, page, in := lineConsole(t)
	creds, _ := con.LINE()
	client := line.NewClient(creds.AccessToken, creds.APIBaseURL, nil)
	ctx := context.Background()

	var u struct{ ID string }
	call(t, page, "POST", "/console/api/users", struct{}{}, &u)
	token := in.last(t).ReplyToken
	msgs := line.Render([]flows.Reply{{Text: "ようこそ", Choices: []flows.Choice{{Label: "メニュー", Data: "menu"}}}})

	if err := client.Reply(ctx, token, msgs); err != nil {
		t.Fatalf("first reply: %v", err)
	}
	var apiErr *line.APIError
	if err := client.Reply(ctx, token, msgs); !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest || !strings.Contains(apiErr.Message, "Invalid reply token") {
		t.Errorf("second reply with the same token: %v, want 400 Invalid reply token", err)
	}
	if err := client.Reply(ctx, "made-up-token", msgs); !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest {
		t.Errorf("reply with a token never issued: %v, want 400", err)
	}

	// A push with a retry key is delivered once, however often it is sent.
	key := uuid.NewString()
	for range 2 {
		if err := client.Push(ctx, u.ID, msgs, key); err != nil {
			t.Fatalf("push: %v", err)
		}
	}
	if err := client.Push(ctx, "someone", msgs, uuid.NewString()); !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest {
		t.Errorf("push to a malformed user ID: %v, want 400", err)
	}

	s := getState(t, page, u.ID)
	var vias []string
	for _, m := range s.Chat.Messages {
		if m.From == "bot" {
			vias = append(vias, m.Via)
			if !strings.Contains(string(m.Message), `"quickReply"`) {
				t.Errorf("message shown without its quick reply: %s", m.Message)
			}
		}
	}
	if got := strings.Join(vias, ","); got != "reply,push" {
		t.Errorf("bot messages arrived via %q, want one reply then one push", got)
	}
}

func TestLINEAPIChecksTheAccessToken(t *testing.T) {
	con, _ := newConsole(t, http.NewServeMux(), Options{LINE: true})
	creds, _ := con.LINE()
	bad := line.NewClient("not-the-token", creds.APIBaseURL, nil)
	msgs := []messaging_api.MessageInterface{&messaging_api.TextMessage{Text: "x"}}
	var apiErr *line.APIError
	if err := bad.Push(context.Background(), newUserID(), msgs, ""); !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized {
		t.Errorf("push with a wrong token: %v, want 401", err)
	}
}
