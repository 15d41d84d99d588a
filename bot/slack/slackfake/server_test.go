package slackfake_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/amamibot/amamibot/bot/slack/slackfake"
)

func client(srv *slackfake.Server, token string) *slack.Client {
	return slack.New(token, slack.OptionAPIURL(srv.APIURL))
}

func TestToken(t *testing.T) {
	srv := slackfake.NewServer(t)
	for token, want := range map[string]string{"": "not_authed", "xoxb-wrong": "invalid_auth"} {
		_, err := client(srv, token).AuthTestContext(t.Context())
		var se slack.SlackErrorResponse
		if !errors.As(err, &se) || se.Err != want {
			t.Errorf("token %q: %v, want %s", token, err, want)
		}
	}
	if n := len(srv.TakeRejections()); n != 2 {
		t.Errorf("%d rejections, want 2", n)
	}
	res, err := client(srv, srv.Token).AuthTestContext(t.Context())
	if err != nil || res.TeamID != srv.Team || res.UserID != srv.BotUser {
		t.Errorf("auth.test: %+v, %v", res, err)
	}
}

func TestPostAndHistory(t *testing.T) {
	srv := slackfake.NewServer(t)
	api := client(srv, srv.Token)
	ctx := t.Context()
	var posted []string
	for i := range 5 {
		_, ts, err := api.PostMessageContext(ctx, srv.Channel,
			slack.MsgOptionText("hello", false),
			slack.MsgOptionMetadata(slack.SlackMetadata{EventType: "test_event", EventPayload: map[string]any{"n": string(rune('a' + i))}}))
		if err != nil {
			t.Fatal(err)
		}
		posted = append(posted, ts)
	}
	if !(posted[0] < posted[1]) {
		t.Errorf("timestamps %v, want increasing", posted)
	}

	// Pages of 2, newest first, metadata only when asked for.
	params := &slack.GetConversationHistoryParameters{ChannelID: srv.Channel, Limit: 2, Oldest: posted[0], IncludeAllMetadata: true}
	var got []string
	for {
		res, err := api.GetConversationHistoryContext(ctx, params)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range res.Messages {
			got = append(got, m.Timestamp+"="+m.Metadata.EventPayload["n"].(string))
		}
		if !res.HasMore {
			break
		}
		params.Cursor = res.ResponseMetaData.NextCursor
	}
	want := []string{posted[4] + "=e", posted[3] + "=d", posted[2] + "=c", posted[1] + "=b"} // oldest is exclusive
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("history %v, want %v", got, want)
	}
	res, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: srv.Channel})
	if err != nil || len(res.Messages) != 5 || res.Messages[0].Metadata.EventType != "" {
		t.Errorf("history without include_all_metadata: %+v, %v; want 5 messages without metadata", res, err)
	}
}

func TestRefusals(t *testing.T) {
	srv := slackfake.NewServer(t)
	api := client(srv, srv.Token)
	button := func(actionID, value string) slack.Block {
		return slack.NewActionBlock("", slack.NewButtonBlockElement(actionID, value, slack.NewTextBlockObject("plain_text", "OK", false, false)))
	}
	many := make([]slack.Block, 51)
	for i := range many {
		many[i] = slack.NewDividerBlock()
	}
	for name, tc := range map[string]struct {
		opts []slack.MsgOption
		want string
	}{
		"no text":        {nil, "no_text"},
		"51 blocks":      {[]slack.MsgOption{slack.MsgOptionBlocks(many...)}, "invalid_blocks"},
		"long value":     {[]slack.MsgOption{slack.MsgOptionBlocks(button("a", strings.Repeat("x", 2001)))}, "invalid_blocks"},
		"long action_id": {[]slack.MsgOption{slack.MsgOptionBlocks(button(strings.Repeat("a", 256), "1"))}, "invalid_blocks"},
		"long header":    {[]slack.MsgOption{slack.MsgOptionBlocks(slack.NewHeaderBlock(slack.NewTextBlockObject("plain_text", strings.Repeat("見", 151), false, false)))}, "invalid_blocks"},
		"same action_id": {[]slack.MsgOption{slack.MsgOptionBlocks(button("a", "1"), button("a", "2"))}, "invalid_blocks"},
		"long text":      {[]slack.MsgOption{slack.MsgOptionText(strings.Repeat("x", 40001), false)}, "msg_too_long"},
		"bad metadata":   {[]slack.MsgOption{slack.MsgOptionText("x", false), slack.MsgOptionMetadata(slack.SlackMetadata{})}, "invalid_metadata_format"},
	} {
		_, _, err := api.PostMessageContext(t.Context(), srv.Channel, tc.opts...)
		var se slack.SlackErrorResponse
		if !errors.As(err, &se) || se.Err != tc.want {
			t.Errorf("%s: %v, want %s", name, err, tc.want)
		}
	}
	if n := len(srv.TakeRejections()); n != 8 {
		t.Errorf("%d rejections, want 8", n)
	}
	if n := len(srv.Messages(srv.Channel)); n != 0 {
		t.Errorf("%d messages posted, want none", n)
	}

	// A message deleted meanwhile is a fact of life, not a bug of the caller.
	_, _, _, err := api.UpdateMessageContext(t.Context(), srv.Channel, "1.000001", slack.MsgOptionText("x", false))
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) || se.Err != "message_not_found" {
		t.Errorf("update of an unknown message: %v, want message_not_found", err)
	}
	if n := len(srv.TakeRejections()); n != 0 {
		t.Errorf("message_not_found recorded as %d rejections, want none", n)
	}
}

func TestFaults(t *testing.T) {
	srv := slackfake.NewServer(t)
	api := client(srv, srv.Token)
	post := func() error {
		_, _, err := api.PostMessageContext(t.Context(), srv.Channel, slack.MsgOptionText("x", false))
		return err
	}

	srv.FailNext("chat.postMessage", 1, slackfake.RateLimited(7))
	var limited *slack.RateLimitedError
	if err := post(); !errors.As(err, &limited) || limited.RetryAfter != 7*time.Second {
		t.Errorf("429: %v, want a RateLimitedError of 7 s", err)
	}

	srv.Down(slackfake.Fault{Status: http.StatusServiceUnavailable})
	var status slack.StatusCodeError
	if err := post(); !errors.As(err, &status) || status.Code != 503 {
		t.Errorf("down: %v, want a 503", err)
	}
	srv.Down(slackfake.Fault{Drop: true})
	if err := post(); err == nil || errors.As(err, &status) {
		t.Errorf("dropped: %v, want a transport error", err)
	}
	srv.Up()
	if err := post(); err != nil {
		t.Errorf("up: %v", err)
	}

	srv.FailNext("chat.postMessage", 1, slackfake.Fault{Status: http.StatusBadGateway, Deliver: true})
	if err := post(); !errors.As(err, &status) || status.Code != 502 {
		t.Errorf("answer lost: %v, want a 502", err)
	}
	if n := len(srv.Messages(srv.Channel)); n != 2 {
		t.Errorf("%d messages, want 2 (one after Up, one whose answer was lost)", n)
	}
}

func TestResponseURL(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	srv := slackfake.NewServer(t, slackfake.WithClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return now }))
	api := client(srv, srv.Token)
	respond := func(u string) error {
		_, _, err := api.PostMessageContext(context.Background(), "",
			slack.MsgOptionResponseURL(u, slack.ResponseTypeEphemeral), slack.MsgOptionText("了解です", false))
		return err
	}
	u := srv.NewResponseURL()
	for i := range 5 {
		if err := respond(u); err != nil {
			t.Fatalf("use %d: %v", i+1, err)
		}
	}
	if err := respond(u); err == nil {
		t.Error("a sixth use succeeded")
	}
	u = srv.NewResponseURL()
	mu.Lock()
	now = now.Add(31 * time.Minute)
	mu.Unlock()
	if err := respond(u); err == nil {
		t.Error("a use after 30 minutes succeeded")
	}
	if n := len(srv.TakeRejections()); n != 2 {
		t.Errorf("%d rejections, want 2", n)
	}
	got := srv.Responses()
	if len(got) != 5 || got[0].Text != "了解です" || got[0].ResponseType != "ephemeral" || got[0].ReplaceOriginal {
		t.Errorf("responses %+v, want 5 ephemeral ones that keep the original", got)
	}
}
