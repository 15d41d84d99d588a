package console

import (
	"context"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// The staff pane shows a hand-off's thread, and a reply typed there reaches
// the server as Slack's signed message event in that thread.
func TestSlackHandoffThreadReply(t *testing.T) {
	app := &staffApp{}
	var mu sync.Mutex
	var got []*slackevents.MessageEvent
	var teams []string
	mux := app.mux()
	mux.HandleFunc("POST /slack/events", func(w http.ResponseWriter, r *http.Request) {
		if !app.verified(w, r) {
			return
		}
		body, _ := io.ReadAll(r.Body)
		ev, err := slackevents.ParseEvent(body, slackevents.OptionNoVerifyToken())
		m, ok := ev.InnerEvent.Data.(*slackevents.MessageEvent)
		if err != nil || !ok {
			http.Error(w, "not a message event", http.StatusBadRequest)
			return
		}
		mu.Lock()
		got, teams = append(got, m), append(teams, ev.TeamID)
		mu.Unlock()
	})
	con, page := newConsole(t, mux, Options{Slack: true})
	creds, _ := con.Slack()
	app.secret.Store(&creds.SigningSecret)
	ctx := context.Background()
	client := slack.New(creds.BotToken, slack.OptionAPIURL(creds.APIURL))
	_, ts, err := client.PostMessageContext(ctx, creds.ChannelID, slack.MsgOptionText("スタッフ対応の依頼", false),
		slack.MsgOptionMetadata(slack.SlackMetadata{EventType: "amamibot_handoff", EventPayload: map[string]any{"handoff_id": "7"}}))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := client.PostMessageContext(ctx, creds.ChannelID, slack.MsgOptionText("*ご本人:* 相談です", false), slack.MsgOptionTS(ts)); err != nil {
		t.Fatal(err)
	}

	reply := map[string]string{"ts": ts, "text": "担当の森です。<詳しく>どうぞ", "staff": "森"}
	if status := call(t, page, "POST", "/console/api/reply", reply, nil); status != http.StatusNoContent {
		t.Fatalf("reply: status %d", status)
	}
	mu.Lock()
	if len(got) != 1 || got[0].ThreadTimeStamp != ts || got[0].Text != "担当の森です。&lt;詳しく&gt;どうぞ" ||
		got[0].Channel != creds.ChannelID || got[0].User == "" || got[0].BotID != "" || got[0].SubType != "" || teams[0] == "" {
		t.Errorf("the server got %+v", got)
	}
	mu.Unlock()

	var s struct {
		Staff []struct {
			TS       string `json:"ts"`
			ThreadTS string `json:"thread_ts"`
			Staff    string `json:"staff"`
			Handoff  bool   `json:"handoff"`
			Text     string `json:"text"`
		} `json:"staff"`
	}
	if status := call(t, page, "GET", "/console/api/state", nil, &s); status != http.StatusOK || len(s.Staff) != 3 {
		t.Fatalf("state: %d %+v", status, s)
	}
	if a := s.Staff[0]; !a.Handoff || a.ThreadTS != "" {
		t.Errorf("the alert: %+v, want a hand-off's, outside any thread", a)
	}
	if r := s.Staff[1]; r.ThreadTS != ts || r.Staff != "" {
		t.Errorf("the app's thread reply: %+v", r)
	}
	if r := s.Staff[2]; r.ThreadTS != ts || r.Staff != "森" {
		t.Errorf("the staff reply: %+v", r)
	}
	reply["ts"] = "1.000001"
	if status := call(t, page, "POST", "/console/api/reply", reply, nil); status != http.StatusNotFound {
		t.Errorf("a reply to no post: status %d, want 404", status)
	}
}
