package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// consoleState is what the console's page reads of the chats and the staff
// channel.
type consoleState struct {
	Chat *struct {
		Messages []struct {
			From    string          `json:"from"`
			Message json.RawMessage `json:"message"`
		} `json:"messages"`
	} `json:"chat"`
	Staff []struct {
		TS       string `json:"ts"`
		ThreadTS string `json:"thread_ts"`
		Text     string `json:"text"`
		Handoff  bool   `json:"handoff"`
	} `json:"staff"`
}

// TestHandoffThroughConsole runs a hand-off end to end on the demo server,
// through the console's API: the user asks for a person, the staff channel
// gets the alert, the user's message lands in its thread, a staff reply in
// the thread reaches the user on LINE, and 「ボットに戻る」 ends it.
func TestHandoffThroughConsole(t *testing.T) {
	base := startConsoleServer(t, map[string]string{}, "--demo")
	post := func(path string, body any, out any) {
		t.Helper()
		raw, _ := json.Marshal(body)
		res, err := http.Post(base+"/console/api/"+path, "application/json", bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.StatusCode/100 != 2 {
			t.Fatalf("%s answered %d", path, res.StatusCode)
		}
		if out != nil {
			json.NewDecoder(res.Body).Decode(out)
		}
	}
	var u struct{ ID string }
	post("users", map[string]any{}, &u)
	state := func(what string, done func(consoleState) bool) consoleState {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			var s consoleState
			res, err := http.Get(base + "/console/api/state?user=" + u.ID)
			if err == nil {
				json.NewDecoder(res.Body).Decode(&s)
				res.Body.Close()
				if s.Chat != nil && done(s) {
					return s
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("waited 30 s for %s; state: %+v", what, s)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	botSaid := func(text string) func(consoleState) bool {
		return func(s consoleState) bool {
			for _, m := range s.Chat.Messages {
				if m.From == "bot" && strings.Contains(string(m.Message), text) {
					return true
				}
			}
			return false
		}
	}
	inThread := func(text string) func(consoleState) bool {
		return func(s consoleState) bool {
			for _, p := range s.Staff {
				if p.ThreadTS != "" && strings.Contains(p.Text, text) {
					return true
				}
			}
			return false
		}
	}
	say := func(text string) { post("send", map[string]string{"user": u.ID, "kind": "text", "text": text}, nil) }

	say("人と話したい")
	state("the user to be told staff will answer", botSaid("スタッフにおつなぎします"))
	s := state("the hand-off's alert", func(s consoleState) bool {
		for _, p := range s.Staff {
			if p.Handoff {
				return true
			}
		}
		return false
	})
	var alert string
	for _, p := range s.Staff {
		if p.Handoff {
			alert = p.TS
		}
	}
	say("参加費はかかりますか")
	state("the user's message in the thread", inThread("参加費はかかりますか"))
	post("reply", map[string]string{"ts": alert, "text": "// 料金表を確認中", "staff": "森"}, nil)
	post("reply", map[string]string{"ts": alert, "text": "個別相談は無料です。", "staff": "森"}, nil)
	state("the staff reply on LINE", botSaid("個別相談は無料です。"))
	say("ボットに戻る")
	state("the way back to the bot", botSaid("ここからはボットがご案内します"))
	s = state("the end in the thread", inThread("ご本人がボットに戻りました"))
	if botSaid("料金表を確認中")(s) {
		t.Error("a // note reached the user")
	}
}
