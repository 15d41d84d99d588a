package linetest

import (
	"bytes"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"
)

// webhookSpec is LINE's webhook.yml, from the same repository as messaging-api.yml.
var webhookSpec = sync.OnceValues(func() (*spec, error) {
	const path = "testdata/openapi/webhook.yml"
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return loadSpec(path, data)
})

// validateWebhook checks a webhook body against webhook.yml.
func validateWebhook(t *testing.T, body []byte) error {
	t.Helper()
	sp, err := webhookSpec()
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1/callback", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	route, params, err := sp.router.FindRoute(req)
	if err != nil {
		t.Fatal(err)
	}
	return sp.validate(req, route, params, body)
}

func allEvents(srv *Server) []Event {
	return []Event{
		srv.TextEvent(alice, "セミナーに申し込みたいです"),
		srv.PostbackEvent(alice, "seminar=s1&mode=venue"),
		srv.FollowEvent(alice),
		srv.UnfollowEvent(alice),
		srv.StickerEvent(alice),
		srv.ImageEvent(alice),
		srv.LocationEvent(alice),
	}
}

func TestWebhookBodyMatchesLINEsSpec(t *testing.T) {
	srv := NewServer(t)
	events := allEvents(srv)
	resent := events[0]
	resent.DeliveryContext.IsRedelivery = true
	standby := srv.TextEvent(alice, "x")
	standby.Mode = "standby"
	events = append(events, resent, standby)

	if err := validateWebhook(t, Body(Destination, events...)); err != nil {
		t.Errorf("webhook body does not match webhook.yml: %v", err)
	}
	if err := validateWebhook(t, Body(Destination)); err != nil {
		t.Errorf("empty webhook body does not match webhook.yml: %v", err)
	}
	if !bytes.Contains(Body(Destination), []byte(`"events":[]`)) {
		t.Errorf("empty body = %s, want an empty events array", Body(Destination))
	}

	// The check is live: a broken event fails it.
	broken := srv.StickerEvent(alice)
	delete(broken.Message, "stickerResourceType")
	if err := validateWebhook(t, Body(Destination, broken)); err == nil {
		t.Error("a sticker without stickerResourceType passed webhook.yml")
	}
}

func TestWebhookEventsCarryWhatLINESends(t *testing.T) {
	clk := newClock()
	srv := NewServer(t, WithClock(clk.Now))
	ulidPattern := regexp.MustCompile(`^[0-7][0-9A-HJKMNP-TV-Z]{25}$`)
	seen := map[string]bool{}
	for _, ev := range allEvents(srv) {
		if !ulidPattern.MatchString(ev.WebhookEventID) || seen[ev.WebhookEventID] {
			t.Errorf("%s: webhookEventId %q is not a fresh ULID", ev.Type, ev.WebhookEventID)
		}
		seen[ev.WebhookEventID] = true
		if ev.Timestamp != clk.Now().UnixMilli() || ev.Mode != "active" || ev.Source.UserID != alice {
			t.Errorf("%s: %+v", ev.Type, ev)
		}
		if (ev.ReplyToken == "") != (ev.Type == "unfollow") {
			t.Errorf("%s: reply token %q", ev.Type, ev.ReplyToken)
		}
	}
	if a, b := EventID(clk.Now()), EventID(clk.Now().Add(time.Millisecond)); a[:10] >= b[:10] {
		t.Errorf("ULIDs %s, %s do not sort by time", a, b)
	}

	// The reply token of an event is one the server accepts, once.
	ev := srv.TextEvent(alice, "x")
	reply := `{"replyToken":"` + ev.ReplyToken + `","messages":[{"type":"text","text":"はい"}]}`
	if status, body := post(t, srv, "/v2/bot/message/reply", srv.Token, reply); status != 200 {
		t.Errorf("reply with the event's token: %d %s", status, body)
	}
	if status, _ := post(t, srv, "/v2/bot/message/reply", srv.Token, reply); status != 400 {
		t.Errorf("second reply with the event's token: %d, want 400", status)
	}
}

func TestWebhookParsesWithTheSDK(t *testing.T) {
	srv := NewServer(t)
	const secret = "channel-secret"
	body := Body(Destination, allEvents(srv)...)
	req, _ := http.NewRequest(http.MethodPost, "/line/webhook", bytes.NewReader(body))
	req.Header.Set("X-Line-Signature", SignedWebhook(secret, body))
	cb, err := webhook.ParseRequest(secret, req)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range cb.Events {
		switch e := e.(type) {
		case webhook.MessageEvent:
			switch m := e.Message.(type) {
			case webhook.TextMessageContent:
				kinds = append(kinds, "text:"+m.Text)
			case webhook.StickerMessageContent:
				kinds = append(kinds, "sticker")
			case webhook.ImageMessageContent:
				kinds = append(kinds, "image")
			case webhook.LocationMessageContent:
				kinds = append(kinds, "location:"+m.Title)
			default:
				kinds = append(kinds, "unknown message")
			}
			if u, ok := e.Source.(webhook.UserSource); !ok || u.UserId != alice {
				t.Errorf("source = %#v", e.Source)
			}
		case webhook.PostbackEvent:
			kinds = append(kinds, "postback:"+e.Postback.Data)
		case webhook.FollowEvent:
			kinds = append(kinds, "follow")
		case webhook.UnfollowEvent:
			kinds = append(kinds, "unfollow")
		default:
			kinds = append(kinds, "unknown event")
		}
	}
	want := "text:セミナーに申し込みたいです postback:seminar=s1&mode=venue follow unfollow sticker image location:名瀬港"
	if got := strings.Join(kinds, " "); got != want {
		t.Errorf("SDK parsed %q, want %q", got, want)
	}

	req, _ = http.NewRequest(http.MethodPost, "/line/webhook", bytes.NewReader(body))
	req.Header.Set("X-Line-Signature", SignedWebhook("another secret", body))
	if _, err := webhook.ParseRequest(secret, req); err != webhook.ErrInvalidSignature {
		t.Errorf("wrong secret: %v, want ErrInvalidSignature", err)
	}
}
