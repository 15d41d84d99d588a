package main

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"
)

// The SDK the server uses must accept what the command sends.
func TestWebhookBodyIsSignedAndParsedByTheSDK(t *testing.T) {
	body := webhookBody("U0123456789abcdef0123456789abcdef", "tok", "01EVENT", "600000000000000001", "セミナー申込", time.Now(), false)
	req, _ := http.NewRequest(http.MethodPost, "/line/webhook", bytes.NewReader(body))
	req.Header.Set("X-Line-Signature", sign("secret", body))
	cb, err := webhook.ParseRequest("secret", req)
	if err != nil {
		t.Fatalf("the SDK rejects the webhook: %v", err)
	}
	ev, ok := cb.Events[0].(webhook.MessageEvent)
	if len(cb.Events) != 1 || !ok {
		t.Fatalf("events = %#v, want one message event", cb.Events)
	}
	text, _ := ev.Message.(webhook.TextMessageContent)
	src, _ := ev.Source.(webhook.UserSource)
	if text.Text != "セミナー申込" || ev.ReplyToken != "tok" || src.UserId != "U0123456789abcdef0123456789abcdef" || ev.WebhookEventId != "01EVENT" {
		t.Errorf("parsed %+v, want the text, reply token, user and event id sent", ev)
	}
	if webhook.ValidateSignature("other secret", sign("secret", body), body) {
		t.Error("a signature with another secret was accepted")
	}
}
