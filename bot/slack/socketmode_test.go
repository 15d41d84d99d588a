package slack_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/amamibot/amamibot/bot/slack/slackfake"
	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/store/storetest"
)

// Over Socket Mode, clicks and commands reach the same handling as over
// HTTP, and each envelope is acknowledged.
func TestSocketMode(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite, options{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.app.RunSocketMode(ctx, h.srv.AppToken) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("RunSocketMode: %v", err)
		}
	})

	in := h.request(t, "奄美商店")
	m := h.alert(t, in.ID)
	first := h.srv.SocketSend(t, "interactive", json.RawMessage(h.srv.Click(t, m, "intro_approve", yamada)), wait)
	late := h.srv.SocketSend(t, "interactive", json.RawMessage(h.srv.Click(t, m, "intro_decline", suzuki)), wait)
	h.srv.WaitAck(t, first, wait)
	h.srv.WaitAck(t, late, wait)
	got, err := h.st.Introduction(t.Context(), in.ID)
	if err != nil || got.Status != store.Approved || got.DecidedBy != "山田" {
		t.Fatalf("after the clicks: %+v, %v; want approved by 山田", got, err)
	}
	if r := h.srv.WaitResponses(t, 1, wait); !strings.HasPrefix(r[0].Text, "山田さんが承認済みです") {
		t.Errorf("the late click was answered %+v", r[0])
	}
	h.srv.WaitFor(t, m.Channel, "the alert to show the outcome", wait, func(x slackfake.Message) bool {
		return x.TS == m.TS && strings.Contains(x.Shown(), "承認済み: 山田さん")
	})

	cmd := map[string]string{}
	for k, v := range h.srv.Command(h.srv.Channel, yamada, "/amami", "requests") {
		cmd[k] = v[0]
	}
	var answer struct {
		ResponseType string `json:"response_type"`
		Text         string `json:"text"`
	}
	ack := h.srv.WaitAck(t, h.srv.SocketSend(t, "slash_commands", cmd, wait), wait)
	if err := json.Unmarshal(ack, &answer); err != nil || answer.ResponseType != "ephemeral" || answer.Text != "承認待ちの紹介依頼はありません。" {
		t.Errorf("command acknowledged with %s, want the ephemeral answer", ack)
	}
}
