package slackfake_test

import (
	"testing"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/amamibot/amamibot/bot/slack/slackfake"
)

// A person's reply in a thread is in the thread, not in the channel's
// history, and its event reads as Slack's: a message event in the thread,
// with the text escaped.
func TestPostInThread(t *testing.T) {
	srv := slackfake.NewServer(t)
	api := client(srv, srv.Token)
	_, ts, err := api.PostMessageContext(t.Context(), srv.Channel, slack.MsgOptionText("スタッフ対応の依頼", false))
	if err != nil {
		t.Fatal(err)
	}
	id, cb := srv.Post(t, srv.Channel, ts, slackfake.User{ID: "U0MORI", Name: "森"}, "<無料>です & どうぞ")
	ev, err := slackevents.ParseEvent(cb, slackevents.OptionNoVerifyToken())
	if err != nil {
		t.Fatal(err)
	}
	outer, _ := ev.Data.(*slackevents.EventsAPICallbackEvent)
	m, ok := ev.InnerEvent.Data.(*slackevents.MessageEvent)
	if !ok || outer == nil || outer.EventID != id || ev.TeamID != srv.Team || m.ThreadTimeStamp != ts || m.User != "U0MORI" ||
		m.Text != "&lt;無料&gt;です &amp; どうぞ" || m.BotID != "" || m.SubType != "" || m.Channel != srv.Channel {
		t.Errorf("the event reads %+v %+v", outer, m)
	}
	msgs := srv.Messages(srv.Channel)
	if len(msgs) != 2 || msgs[1].ThreadTS != ts || msgs[1].User != "U0MORI" {
		t.Errorf("the channel holds %+v", msgs)
	}
	hist, err := api.GetConversationHistoryContext(t.Context(), &slack.GetConversationHistoryParameters{ChannelID: srv.Channel})
	if err != nil || len(hist.Messages) != 1 || hist.Messages[0].Timestamp != ts {
		t.Errorf("history: %+v, %v; want the parent only", hist, err)
	}
}
