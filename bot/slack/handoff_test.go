package slack_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/amamibot/amamibot/bot/slack/slackfake"
	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/store/storetest"
)

var backends = map[string]opener{"sqlite": storetest.OpenSQLite, "postgres": storetest.OpenPostgres}

// names is the LINE side's display names, as the alerts ask for them.
type names map[string]string

func (n names) DisplayName(_ context.Context, userID string) (string, error) {
	if name, ok := n[userID]; ok {
		return name, nil
	}
	return "", errors.New("no such user")
}

// counted counts hand-offs as the metrics do.
type counted struct {
	mu               sync.Mutex
	opened, answered int
}

func (c *counted) HandoffOpened() { c.mu.Lock(); c.opened++; c.mu.Unlock() }
func (c *counted) HandoffAnswered(time.Duration) {
	c.mu.Lock()
	c.answered++
	c.mu.Unlock()
}

// handoff opens a hand-off for a new LINE user who wrote a few messages
// first, and returns it with its alert once posted.
func (h *harness) handoff(t *testing.T, idle time.Duration) (store.Handoff, slackfake.Message) {
	t.Helper()
	ctx := t.Context()
	n := seq.Add(1)
	user := fmt.Sprintf("U%032d", n)
	now := time.Now()
	var events []store.Event
	for i, text := range []string{"料金はかかりますか", "人と話したい"} {
		events = append(events, store.Event{ID: fmt.Sprintf("line-%d-%d", n, i), UserID: user, Kind: "text", Text: text,
			OccurredAt: now.Add(time.Duration(i-2) * time.Minute), ReceivedAt: now.Add(time.Duration(i-2) * time.Minute)})
	}
	if _, err := h.st.RecordEvents(ctx, events); err != nil {
		t.Fatal(err)
	}
	if err := h.st.SaveOwner(ctx, store.Owner{UserID: user, Company: "奄美黒糖本舗", Contact: "0997-00-0000", UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	ho, err := h.st.OpenHandoff(ctx, user, now, idle)
	if err != nil {
		t.Fatalf("open hand-off: %v", err)
	}
	deadline := time.Now().Add(wait)
	for {
		got, err := h.st.Handoff(ctx, ho.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.ThreadTS != "" {
			for _, m := range h.srv.Messages(got.ThreadChannel) {
				if m.TS == got.ThreadTS {
					return got, m
				}
			}
			t.Fatalf("hand-off %d: thread recorded at %s, which Slack does not have", ho.ID, got.ThreadTS)
		}
		if time.Now().After(deadline) {
			t.Fatalf("hand-off %d: no alert after %v; Slack saw:\n%v", ho.ID, wait, h.srv.Calls())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// reply delivers a staff member's thread reply over the Events API.
func (h *harness) reply(t *testing.T, callback []byte) {
	t.Helper()
	if w := send(h.app.Events(), "/slack/events", callback, slackfake.Sign(secret, time.Now(), callback)); w.Code != http.StatusOK {
		t.Fatalf("event answered %d %s", w.Code, w.Body)
	}
}

// toUser takes what waits to be pushed to the hand-off's user, in order.
func (h *harness) toUser(t *testing.T, id int64) []string {
	t.Helper()
	var got []string
	for {
		m, err := h.st.NextHandoffMessage(t.Context(), id, true)
		if errors.Is(err, store.ErrNotFound) {
			return got
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, m.Kind+":"+m.Text)
		if err := h.st.MarkHandoffMessageSent(t.Context(), m.Seq, time.Now(), false); err != nil {
			t.Fatal(err)
		}
	}
}

// thread is the texts of the thread's replies, in order.
func (h *harness) thread(alert slackfake.Message) []string {
	var texts []string
	for _, m := range h.srv.Messages(alert.Channel) {
		if m.ThreadTS == alert.TS {
			texts = append(texts, m.Text)
		}
	}
	return texts
}

func (h *harness) waitThread(t *testing.T, alert slackfake.Message, what string, done func([]string) bool) []string {
	t.Helper()
	h.srv.WaitFor(t, alert.Channel, what, wait, func(slackfake.Message) bool { return done(h.thread(alert)) })
	return h.thread(alert)
}

func newHandoffHarness(t *testing.T, open opener) (*harness, *counted) {
	h := newHarness(t, open, options{stopped: true})
	c := &counted{}
	h.app.SetHandoffs(names{}, c)
	h.start(t)
	return h, c
}

// The alert says who asks and what they wrote; the user's messages appear
// in the thread in order; every staff reply reaches the user once and in
// order, also when Slack sends its event again; notes, edits and the app's
// own posts do not.
func TestHandoffThread(t *testing.T) {
	for name, open := range backends {
		t.Run(name, func(t *testing.T) {
			h, metrics := newHandoffHarness(t, open)
			ho, alert := h.handoff(t, time.Hour)
			shown := alert.Shown()
			for _, want := range []string{"奄美黒糖本舗", "料金はかかりますか", "人と話したい", "スタッフ対応の依頼 #"} {
				if !strings.Contains(shown, want) {
					t.Errorf("the alert does not show %q:\n%s", want, shown)
				}
			}
			if got := buttonTexts(alert); !slices.Equal(got, []string{"対応する", "終了"}) {
				t.Errorf("the alert's buttons: %v, want 対応する and 終了", got)
			}

			for _, text := range []string{"はじめまして", "黒糖の販路について相談です"} {
				if _, _, err := h.st.AddHandoffMessage(t.Context(), store.HandoffMessage{HandoffID: ho.ID, Kind: store.HandoffText, Text: text, CreatedAt: time.Now()}, ""); err != nil {
					t.Fatal(err)
				}
			}
			if _, _, err := h.st.AddHandoffMessage(t.Context(), store.HandoffMessage{HandoffID: ho.ID, Kind: store.HandoffMedia, Text: "sticker", CreatedAt: time.Now()}, ""); err != nil {
				t.Fatal(err)
			}
			got := h.waitThread(t, alert, "the user's messages in the thread", func(th []string) bool { return len(th) >= 3 })
			if want := []string{"*ご本人:* はじめまして", "*ご本人:* 黒糖の販路について相談です", "_ご本人がスタンプを送りました_"}; !slices.Equal(got, want) {
				t.Errorf("thread = %q, want %q", got, want)
			}

			_, first := h.srv.Post(t, alert.Channel, alert.TS, yamada, "お問い合わせありがとうございます。山田です。")
			_, note := h.srv.Post(t, alert.Channel, alert.TS, suzuki, "// 販路の件は田中さんが詳しい")
			_, second := h.srv.Post(t, alert.Channel, alert.TS, yamada, "販路のご相談ですね。<詳しく>お聞かせください & よろしくお願いします")
			_, outside := h.srv.Post(t, alert.Channel, "", yamada, "スレッドの外の発言")
			for _, cb := range [][]byte{first, note, first, second, outside, first} {
				h.reply(t, cb)
			}
			edit := editEvent(t, h, alert)
			h.reply(t, edit)
			own := ownEvent(t, h, alert)
			h.reply(t, own)
			h.reply(t, callback(t, h, map[string]any{
				"type": "message", "user": yamada.ID, "text": "<@" + h.srv.BotUser + "> handoffs",
				"channel": alert.Channel, "ts": "1700000003.000100", "thread_ts": alert.TS,
			}))
			want := []string{"text:お問い合わせありがとうございます。山田です。", "text:販路のご相談ですね。<詳しく>お聞かせください & よろしくお願いします"}
			if got := h.toUser(t, ho.ID); !slices.Equal(got, want) {
				t.Errorf("to the user: %q, want %q", got, want)
			}
			h.settle(t)
			metrics.mu.Lock()
			defer metrics.mu.Unlock()
			if metrics.opened != 1 || metrics.answered != 1 {
				t.Errorf("metrics: %d opened, %d answered; want 1 and 1", metrics.opened, metrics.answered)
			}
		})
	}
}

func buttonTexts(m slackfake.Message) []string {
	var got []string
	for _, b := range m.Buttons() {
		got = append(got, b.Text)
	}
	return got
}

// editEvent is the message_changed event of an edit in the thread.
func editEvent(t *testing.T, h *harness, alert slackfake.Message) []byte {
	t.Helper()
	return callback(t, h, map[string]any{
		"type": "message", "subtype": "message_changed", "channel": alert.Channel, "ts": "1700000001.000100",
		"message": map[string]any{"type": "message", "user": yamada.ID, "text": "直した返事", "ts": "1700000000.000200", "thread_ts": alert.TS},
	})
}

// ownEvent is the event of the app's own post in the thread.
func ownEvent(t *testing.T, h *harness, alert slackfake.Message) []byte {
	t.Helper()
	return callback(t, h, map[string]any{
		"type": "message", "bot_id": "B0AMAMIBOT", "user": h.srv.BotUser, "text": "*ご本人:* はじめまして",
		"channel": alert.Channel, "ts": "1700000002.000100", "thread_ts": alert.TS,
	})
}

func callback(t *testing.T, h *harness, event map[string]any) []byte {
	t.Helper()
	body, err := json.Marshal(map[string]any{
		"token": "unused", "team_id": h.srv.Team, "api_app_id": "A0AMAMI", "type": "event_callback",
		"event_id": fmt.Sprintf("Ev%d", seq.Add(1)), "event_time": time.Now().Unix(), "event": event,
	})
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// Two staff click 対応する at once: one claims the hand-off, the alert shows
// who, and the other is told.
func TestHandoffClaimRace(t *testing.T) {
	for name, open := range backends {
		t.Run(name, func(t *testing.T) {
			h, _ := newHandoffHarness(t, open)
			ho, alert := h.handoff(t, time.Hour)
			var wg sync.WaitGroup
			for _, u := range []slackfake.User{yamada, suzuki} {
				payload := h.srv.Click(t, alert, "handoff_claim", u)
				wg.Go(func() {
					if w := h.click(payload); w.Code != http.StatusOK {
						t.Errorf("click answered %d", w.Code)
					}
				})
			}
			wg.Wait()
			got, err := h.st.Handoff(t.Context(), ho.ID)
			if err != nil || got.State != store.HandoffClaimed {
				t.Fatalf("after the clicks: %+v, %v", got, err)
			}
			loser := map[string]string{"山田": "鈴木", "鈴木": "山田"}[got.ClaimedBy]
			if r := h.srv.WaitResponses(t, 1, wait); len(r) != 1 || r[0].Text != got.ClaimedBy+"さんが対応中です。" {
				t.Errorf("%s was told %+v, want who claimed it", loser, r)
			}
			updated := h.srv.WaitFor(t, alert.Channel, "the alert to show the claim", wait, func(m slackfake.Message) bool {
				return m.TS == alert.TS && strings.Contains(m.Shown(), "対応中: "+got.ClaimedBy+"さん")
			})
			if b := buttonTexts(updated); !slices.Equal(b, []string{"終了"}) {
				t.Errorf("a claimed alert's buttons: %v, want 終了 only", b)
			}
		})
	}
}

// A hand-off ends by 終了, by the user, or for lack of messages: the thread
// says how, the alert loses its buttons, the user is told (unless they ended
// it), and a later reply is answered in the thread and not sent.
func TestHandoffEnds(t *testing.T) {
	for name, open := range backends {
		t.Run(name, func(t *testing.T) {
			h, _ := newHandoffHarness(t, open)
			for _, tt := range []struct {
				route, thread string
				toUser        []string
			}{
				{"終了", "山田さんが終了", []string{"ended:"}},
				{"user", "ご本人がボットに戻りました", nil},
				{"idle", "やりとりがないまま時間がたちました", []string{"ended:"}},
			} {
				idle := time.Hour
				if tt.route == "idle" {
					idle = time.Second
				}
				ho, alert := h.handoff(t, idle)
				switch tt.route {
				case "終了":
					h.click(h.srv.Click(t, alert, "handoff_end", yamada))
				case "user":
					if _, err := h.st.CloseHandoff(t.Context(), ho.ID, store.EndedByUser, time.Now(), time.Time{}); err != nil {
						t.Fatal(err)
					}
				}
				h.srv.WaitFor(t, alert.Channel, "the alert to show the end by "+tt.route, wait, func(m slackfake.Message) bool {
					return m.TS == alert.TS && len(m.Buttons()) == 0 && strings.Contains(m.Shown(), tt.thread)
				})
				th := h.waitThread(t, alert, "the end in the thread", func(th []string) bool { return len(th) >= 1 })
				if len(th) != 1 || !strings.Contains(th[0], tt.thread) {
					t.Errorf("ended by %s: thread %q, want %q", tt.route, th, tt.thread)
				}
				if got := h.toUser(t, ho.ID); !slices.Equal(got, tt.toUser) {
					t.Errorf("ended by %s: to the user %q, want %q", tt.route, got, tt.toUser)
				}
				_, late := h.srv.Post(t, alert.Channel, alert.TS, suzuki, "遅れてすみません")
				h.reply(t, late)
				h.reply(t, late)
				h.waitThread(t, alert, "the answer to a late reply", func(th []string) bool { return len(th) >= 3 })
				h.settle(t)
				if th = h.thread(alert); len(th) != 3 || th[2] != "この対応は終了しています。返信はご本人に届きません。" {
					t.Errorf("after a late reply, sent twice: thread %q, want one answer that it has ended", th)
				}
				if got := h.toUser(t, ho.ID); len(got) != 0 {
					t.Errorf("a late reply reached the user: %q", got)
				}
			}
		})
	}
}

// Over Socket Mode, a staff reply reaches the user as over HTTP, and its
// envelope is acknowledged.
func TestHandoffSocketMode(t *testing.T) {
	h, _ := newHandoffHarness(t, storetest.OpenSQLite)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.app.RunSocketMode(ctx, h.srv.AppToken) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("RunSocketMode: %v", err)
		}
	})
	ho, alert := h.handoff(t, time.Hour)
	_, cb := h.srv.Post(t, alert.Channel, alert.TS, yamada, "ソケット経由の返事です")
	for range 2 {
		h.srv.WaitAck(t, h.srv.SocketSend(t, "events_api", json.RawMessage(cb), wait), wait)
	}
	if got := h.toUser(t, ho.ID); !slices.Equal(got, []string{"text:ソケット経由の返事です"}) {
		t.Errorf("to the user: %q", got)
	}
}

// /amami handoffs lists the active hand-offs with who took them and their age.
func TestHandoffsCommand(t *testing.T) {
	h, _ := newHandoffHarness(t, storetest.OpenSQLite)
	answer := func() string {
		body := []byte(h.srv.Command(h.srv.Channel, yamada, "/amami", "handoffs").Encode())
		w := send(h.commands, "/slack/commands", body, slackfake.Sign(secret, time.Now(), body))
		var a struct{ Text string }
		json.NewDecoder(w.Body).Decode(&a)
		return a.Text
	}
	if got := answer(); got != "対応中・対応待ちのスタッフ対応はありません。" {
		t.Errorf("with none: %q", got)
	}
	first, _ := h.handoff(t, time.Hour)
	h.handoff(t, time.Hour)
	if _, err := h.st.ClaimHandoff(t.Context(), first.ID, "山田", time.Now()); err != nil {
		t.Fatal(err)
	}
	got := answer()
	for _, want := range []string{"（2件）", fmt.Sprintf("#%d", first.ID), "対応中: 山田さん", "対応待ち", "0分前から"} {
		if !strings.Contains(got, want) {
			t.Errorf("/amami handoffs answered\n%s\nwithout %q", got, want)
		}
	}
}
