package slackfake_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/amamibot/amamibot/bot/slack/slackfake"
)

func modal(title string, blocks ...slack.Block) slack.ModalViewRequest {
	text := func(s string) *slack.TextBlockObject {
		return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
	}
	return slack.ModalViewRequest{Type: slack.VTModal, Title: text(title), Submit: text("送信"), Blocks: slack.Blocks{BlockSet: blocks}}
}

// TestViewsOpenChecksTheModal: views.open refuses what Slack refuses: a
// title over 24 characters, an input without a block_id, a select without
// options.
func TestViewsOpenChecksTheModal(t *testing.T) {
	srv := slackfake.NewServer(t)
	api := client(srv, srv.Token)
	label := slack.NewTextBlockObject(slack.PlainTextType, "本文", false, false)
	good := slack.NewInputBlock("text", label, nil, slack.NewPlainTextInputBlockElement(nil, "text"))
	for name, tc := range map[string]struct {
		trigger string
		view    slack.ModalViewRequest
		want    string
	}{
		"long title":         {"1.2.3", modal(strings.Repeat("お", 25), good), "view.title"},
		"input without id":   {"1.2.3", modal("お知らせ", slack.NewInputBlock("", label, nil, slack.NewPlainTextInputBlockElement(nil, "text"))), "block_id"},
		"select, no options": {"1.2.3", modal("お知らせ", slack.NewInputBlock("topic", label, nil, slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, "topic"))), "options"},
	} {
		_, err := api.OpenViewContext(t.Context(), tc.trigger, tc.view)
		var se slack.SlackErrorResponse
		rejected := srv.TakeRejections()
		if !errors.As(err, &se) || se.Err != "invalid_arguments" || len(rejected) != 1 || !strings.Contains(string(rejected[0].Answer), tc.want) {
			t.Errorf("%s: %v (%v), want invalid_arguments about %s", name, err, rejected, tc.want)
		}
	}
	if _, err := api.OpenViewContext(t.Context(), "1.2.3", modal("お知らせ", good)); err != nil {
		t.Fatalf("a good modal: %v", err)
	}
	views := srv.Views()
	if len(views) != 1 {
		t.Fatalf("%d views, want the good one", len(views))
	}
	// Submitting fills in only what the view has.
	payload := string(srv.Submit(t, views[0], slackfake.User{ID: "U1", Name: "森"}, map[string]string{"text": "こんにちは"}))
	if !strings.Contains(payload, `"view_submission"`) || !strings.Contains(payload, `"value":"こんにちは"`) {
		t.Errorf("submission payload %s", payload)
	}
}
