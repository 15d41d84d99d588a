package slack_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/amamibot/amamibot/bot/slack/slackfake"
	"github.com/amamibot/amamibot/store/storetest"
)

// mention is a signed Events API callback carrying one app_mention.
func (h *harness) mention(t *testing.T, eventID, channel, text string) []byte {
	t.Helper()
	body, err := json.Marshal(map[string]any{
		"token": "unused", "team_id": h.srv.Team, "api_app_id": "A0AMAMI", "type": "event_callback",
		"event_id": eventID, "event_time": time.Now().Unix(),
		"event": map[string]any{
			"type": "app_mention", "user": yamada.ID, "text": "<@U0AMAMIBOT> " + text,
			"ts": "1700000000.000100", "channel": channel, "event_ts": "1700000000.000100",
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return body
}

func TestEventsURLVerification(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite, options{})
	body := []byte(`{"token":"unused","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`)
	w := send(h.app.Events(), "/slack/events", body, slackfake.Sign(secret, time.Now(), body))
	if w.Code != http.StatusOK || w.Body.String() != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Errorf("URL verification answered %d %q, want the challenge", w.Code, w.Body)
	}
	if w := send(h.app.Events(), "/slack/events", body, slackfake.Sign("wrong", time.Now(), body)); w.Code != http.StatusUnauthorized {
		t.Errorf("a badly signed event answered %d, want 401", w.Code)
	}
}

// A mention reads like /amami, and is answered once in its thread, also
// when Slack sends the event again.
func TestMentionAnsweredOnceInThread(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite, options{})
	h.seed(t)
	body := h.mention(t, "Ev0MENTION1", h.srv.Channel, "requests")
	for retry := range 3 {
		header := slackfake.Sign(secret, time.Now(), body)
		if retry > 0 {
			header.Set("X-Slack-Retry-Num", "1")
			header.Set("X-Slack-Retry-Reason", "http_timeout")
		}
		if w := send(h.app.Events(), "/slack/events", body, header); w.Code != http.StatusOK {
			t.Fatalf("event delivery %d answered %d %s", retry, w.Code, w.Body)
		}
	}
	h.settle(t)
	var answers []slackfake.Message
	for _, m := range h.srv.Messages(h.srv.Channel) {
		if m.ThreadTS == "1700000000.000100" {
			answers = append(answers, m)
		}
	}
	if len(answers) != 1 || !strings.Contains(answers[0].Text, "*承認待ちの紹介依頼*（1件）") {
		t.Fatalf("answers in the thread: %+v, want one listing the pending request", answers)
	}
}

// A mention from another workspace or channel is acknowledged (so that Slack
// does not retry it) and neither queued nor answered.
func TestMentionsFromOutsideIgnored(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite, options{})
	h.seed(t)
	foreign := h.mention(t, "Ev0FOREIGN", h.srv.Channel, "requests")
	foreign = bytes.Replace(foreign, []byte(`"team_id":"`+h.srv.Team+`"`), []byte(`"team_id":"T0OTHER"`), 1)
	for name, body := range map[string][]byte{
		"another workspace": foreign,
		"another channel":   h.mention(t, "Ev0ELSEWHERE", "C0ELSEWHERE", "requests"),
	} {
		if w := send(h.app.Events(), "/slack/events", body, slackfake.Sign(secret, time.Now(), body)); w.Code != http.StatusOK {
			t.Errorf("%s: answered %d %s, want 200", name, w.Code, w.Body)
		}
	}
	h.settle(t)
	for _, channel := range []string{h.srv.Channel, "C0ELSEWHERE"} {
		for _, m := range h.srv.Messages(channel) {
			if m.ThreadTS == "1700000000.000100" {
				t.Errorf("a mention from outside was answered in %s: %q", channel, m.Text)
			}
		}
	}
}
