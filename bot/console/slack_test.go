package console

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/slack-go/slack"
)

// staffApp stands for the server's Slack endpoints as bot/slack serves
// them: it verifies the signature with slack-go's verifier, parses with
// slack-go, answers a click through its response_url and a command with an
// ephemeral answer.
type staffApp struct {
	secret atomic.Pointer[string] // set once the console made it
	mu     sync.Mutex
	clicks []slack.InteractionCallback
}

func (a *staffApp) verified(w http.ResponseWriter, r *http.Request) bool {
	body, _ := io.ReadAll(r.Body)
	sv, err := slack.NewSecretsVerifier(r.Header, *a.secret.Load())
	if err == nil {
		sv.Write(body)
		err = sv.Ensure()
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return false
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return true
}

func (a *staffApp) mux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /slack/actions", func(w http.ResponseWriter, r *http.Request) {
		if !a.verified(w, r) {
			return
		}
		ic, err := slack.InteractionCallbackParse(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		a.mu.Lock()
		a.clicks = append(a.clicks, ic)
		a.mu.Unlock()
		// As bot/slack tells the clicker: through the response_url.
		_, _, err = slack.New("").PostMessageContext(r.Context(), "",
			slack.MsgOptionResponseURL(ic.ResponseURL, slack.ResponseTypeEphemeral),
			slack.MsgOptionText("記録しました。", false))
		if err != nil {
			http.Error(w, "response_url: "+err.Error(), http.StatusInternalServerError)
		}
	})
	mux.HandleFunc("POST /slack/commands", func(w http.ResponseWriter, r *http.Request) {
		if !a.verified(w, r) {
			return
		}
		cmd, err := slack.SlashCommandParse(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"response_type": "ephemeral", "text": cmd.Command + " " + cmd.Text + " by " + cmd.UserName})
	})
	return mux
}

func TestSlackAlertClickAndUpdate(t *testing.T) {
	app := &staffApp{}
	con, page := newConsole(t, app.mux(), Options{Slack: true})
	creds, ok := con.Slack()
	if !ok {
		t.Fatal("Slack not emulated")
	}
	app.secret.Store(&creds.SigningSecret)
	ctx := context.Background()
	client := slack.New(creds.BotToken, slack.OptionAPIURL(creds.APIURL))

	auth, err := client.AuthTestContext(ctx)
	if err != nil || auth.TeamID == "" {
		t.Fatalf("auth.test: %+v, %v", auth, err)
	}
	if _, err := slack.New("xoxb-wrong", slack.OptionAPIURL(creds.APIURL)).AuthTestContext(ctx); err == nil || !strings.Contains(err.Error(), "invalid_auth") {
		t.Errorf("auth.test with a wrong token: %v, want invalid_auth", err)
	}
	if _, _, err := client.PostMessageContext(ctx, "C0OTHER", slack.MsgOptionText("x", false)); err == nil || !strings.Contains(err.Error(), "channel_not_found") {
		t.Errorf("post to another channel: %v, want channel_not_found", err)
	}

	alert := []slack.MsgOption{
		slack.MsgOptionText("新しい紹介依頼", false),
		slack.MsgOptionBlocks(
			slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "*お困りごと*\n>店が出てこない", false, false), nil, nil),
			slack.NewActionBlock("",
				slack.NewButtonBlockElement("intro_approve", "42", slack.NewTextBlockObject(slack.PlainTextType, "承認", false, false)).WithStyle(slack.StylePrimary),
				slack.NewButtonBlockElement("intro_decline", "42", slack.NewTextBlockObject(slack.PlainTextType, "見送り", false, false)).WithStyle(slack.StyleDanger),
			)),
		slack.MsgOptionMetadata(slack.SlackMetadata{EventType: "amamibot_intro_alert", EventPayload: map[string]any{"introduction_id": "42"}}),
	}
	channel, ts, err := client.PostMessageContext(ctx, creds.ChannelID, alert...)
	if err != nil || channel != creds.ChannelID || ts == "" {
		t.Fatalf("chat.postMessage: %q %q %v", channel, ts, err)
	}
	hist, err := client.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: creds.ChannelID, IncludeAllMetadata: true})
	if err != nil || len(hist.Messages) != 1 || hist.Messages[0].Timestamp != ts ||
		hist.Messages[0].Metadata.EventType != "amamibot_intro_alert" || hist.Messages[0].Metadata.EventPayload["introduction_id"] != "42" {
		t.Fatalf("conversations.history: %+v, %v; want the alert with its metadata", hist, err)
	}

	click := map[string]string{"ts": ts, "actionId": "intro_approve", "staff": "事務局 奄美"}
	if status := call(t, page, "POST", "/console/api/click", click, nil); status != http.StatusNoContent {
		t.Fatalf("click: status %d", status)
	}
	app.mu.Lock()
	ic := app.clicks[0]
	app.mu.Unlock()
	if ic.Type != slack.InteractionTypeBlockActions || len(ic.ActionCallback.BlockActions) != 1 ||
		ic.ActionCallback.BlockActions[0].ActionID != "intro_approve" || ic.ActionCallback.BlockActions[0].Value != "42" ||
		ic.User.Name != "事務局 奄美" || ic.Container.MessageTs != ts || ic.Channel.ID != creds.ChannelID || ic.Team.ID != auth.TeamID {
		t.Errorf("the app got the click as %+v", ic)
	}

	if _, _, _, err := client.UpdateMessageContext(ctx, channel, ts,
		slack.MsgOptionText("承認済み", false),
		slack.MsgOptionBlocks(slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "*承認済み: 事務局 奄美さん*", false, false), nil, nil)),
	); err != nil {
		t.Fatalf("chat.update: %v", err)
	}
	if _, _, _, err := client.UpdateMessageContext(ctx, channel, "1.000001", slack.MsgOptionText("x", false)); err == nil || !strings.Contains(err.Error(), "message_not_found") {
		t.Errorf("update of no message: %v, want message_not_found", err)
	}
	if status := call(t, page, "POST", "/console/api/click", click, nil); status != http.StatusNotFound {
		t.Errorf("click on a button the update removed: status %d, want 404", status)
	}

	s := getState(t, page, "")
	if len(s.Staff) != 2 {
		t.Fatalf("staff channel shows %d posts, want the alert and the answer to the click", len(s.Staff))
	}
	if a := s.Staff[0]; !a.Edited || a.Text != "承認済み" || strings.Contains(string(a.Blocks), "intro_approve") {
		t.Errorf("alert after the update: %+v", a)
	}
	if e := s.Staff[1]; !e.Ephemeral || e.Text != "記録しました。" {
		t.Errorf("answer to the click: %+v", e)
	}
	hist, _ = client.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: creds.ChannelID})
	if len(hist.Messages) != 1 {
		t.Errorf("history has %d messages, want the alert only: Slack keeps no ephemeral message", len(hist.Messages))
	}
}

func TestSlackCommand(t *testing.T) {
	app := &staffApp{}
	con, page := newConsole(t, app.mux(), Options{Slack: true})
	creds, _ := con.Slack()
	app.secret.Store(&creds.SigningSecret)
	if status := call(t, page, "POST", "/console/api/command", map[string]string{"text": "requests", "staff": "事務局 奄美"}, nil); status != http.StatusNoContent {
		t.Fatalf("command: status %d", status)
	}
	s := getState(t, page, "")
	if len(s.Staff) != 1 || !s.Staff[0].Ephemeral || s.Staff[0].Command != "/amami requests" || s.Staff[0].Text != "/amami requests by 事務局 奄美" {
		t.Errorf("staff channel after /amami requests: %+v", s.Staff)
	}
}

func TestSlackSignatureOfAnotherSecretIsRefused(t *testing.T) {
	app := &staffApp{}
	other := "not the console's"
	app.secret.Store(&other)
	_, page := newConsole(t, app.mux(), Options{Slack: true})
	if status := call(t, page, "POST", "/console/api/command", map[string]string{"text": "requests", "staff": "事務局"}, nil); status != http.StatusBadGateway {
		t.Errorf("command to an app with another signing secret: status %d, want 502", status)
	}
}
