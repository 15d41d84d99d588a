package slack_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/amamibot/amamibot/bot/slack/slackfake"
	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/store/storetest"
)

// command runs /amami text from the channel and returns the answer's text;
// the answer must be ephemeral.
func (h *harness) command(t *testing.T, channel, text string) string {
	t.Helper()
	body := []byte(h.srv.Command(channel, yamada, "/amami", text).Encode())
	w := send(h.commands, "/slack/commands", body, slackfake.Sign(secret, time.Now(), body))
	var got struct {
		ResponseType string `json:"response_type"`
		Text         string `json:"text"`
	}
	if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &got) != nil || w.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("/amami %s: answered %d %s %s", text, w.Code, w.Header().Get("Content-Type"), w.Body)
	}
	if got.ResponseType != "ephemeral" || got.Text == "" {
		t.Fatalf("/amami %s: answered %s, want an ephemeral text", text, w.Body)
	}
	return got.Text
}

// file sends a command that posts a file (/amami export, /amami report):
// it is answered at once, and the job it queues posts the file and tells
// the one who asked, whose message file returns.
func (h *harness) file(t *testing.T, text string) string {
	t.Helper()
	if got := h.command(t, h.srv.Channel, text); got != "作成しています。できあがったら、このチャンネルに投稿してお知らせします。" {
		return got // refused at once
	}
	h.settle(t)
	told := h.srv.Ephemerals()
	if len(told) == 0 || told[len(told)-1].User != yamada.ID || told[len(told)-1].Channel != h.srv.Channel {
		t.Fatalf("/amami %s: %+v, want the one who asked told in the staff channel", text, told)
	}
	return told[len(told)-1].Text
}

// seed gives the store a seminar with a full venue, a waitlist and online
// attendees, a pending request, and a booked consultation.
func (h *harness) seed(t *testing.T) (seminar store.Seminar) {
	t.Helper()
	ctx := t.Context()
	day := time.Now().Add(72 * time.Hour).Truncate(time.Hour)
	seminar = store.Seminar{ID: "dx-1", Title: "DX入門セミナー", StartsAt: day, EndsAt: day.Add(2 * time.Hour),
		Venue: "奄美市役所", OnlineURL: "https://meet.example/dx", Capacity: 2}
	later := store.Seminar{ID: "online-1", Title: "オンライン相談会", StartsAt: day.Add(24 * time.Hour), EndsAt: day.Add(25 * time.Hour),
		OnlineURL: "https://meet.example/o"}
	if err := h.st.UpsertSeminars(ctx, []store.Seminar{seminar, later}); err != nil {
		t.Fatal(err)
	}
	for i, r := range []store.RegisterRequest{
		{Attendance: store.Venue, Name: "田中一郎", Company: "田中商店"},
		{Attendance: store.Venue, Name: "中村花子"},
		{Attendance: store.Online, Name: "大島次郎", Company: "大島<&>工業"},
		{Attendance: store.Venue, Name: "徳之島三郎", Company: "徳之島物産", Waitlist: true},
	} {
		r.SeminarID, r.UserID, r.Now = seminar.ID, fmt.Sprintf("U%031dR", i), time.Now()
		if _, err := h.st.Register(ctx, r); err != nil {
			t.Fatalf("register %s: %v", r.Name, err)
		}
	}
	in := h.request(t, "奄美商店")
	slot := store.Slot{ID: "slot-1", StartsAt: day.Add(48 * time.Hour), EndsAt: day.Add(48*time.Hour + 30*time.Minute), Host: "相談員 森", Mode: store.ConsultOnline}
	if err := h.st.UpsertSlots(ctx, []store.Slot{slot}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.st.BookSlot(ctx, store.BookRequest{SlotID: slot.ID, UserID: in.UserID, IntroductionID: in.ID, Now: time.Now()}); err != nil {
		t.Fatal(err)
	}
	for i, q := range []store.Question{
		{UserID: in.UserID, Text: "ペットは連れて行けますか", Kind: "unanswered"},
		{UserID: in.UserID, Text: "人と話したいです", Kind: "staff"},
	} {
		q.AskedAt = time.Now().Add(time.Duration(i-2) * time.Minute)
		if err := h.st.RecordQuestion(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	return seminar
}

func TestCommands(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite, options{})
	sem := h.seed(t)
	when := sem.StartsAt.In(tokyo)

	for _, tc := range []struct {
		text string
		want []string
	}{
		{"seminars", []string{
			"*今後のセミナー*（2件）",
			fmt.Sprintf("%d月%d日", when.Month(), when.Day()), "DX入門セミナー", "ID: `dx-1`", "会場 2/2席（満席）・オンライン参加可",
			"オンライン相談会", "ID: `online-1`",
		}},
		{"roster dx-1", []string{
			"*DX入門セミナー*", "の参加者",
			"*会場*（2/2席）\n1. 田中一郎（田中商店）\n2. 中村花子",
			"*オンライン*（1名）\n1. 大島次郎（大島&lt;&amp;&gt;工業）",
			"*キャンセル待ち*（1名）\n1. 徳之島三郎（徳之島物産）",
		}},
		{"roster nope", []string{"セミナー「nope」が見つかりません"}},
		{"roster", []string{"セミナーIDを指定してください"}},
		{"requests", []string{"*承認待ちの紹介依頼*（1件）", "奄美商店 → 佐藤花子", "受付"}},
		{"bookings", []string{"*今後の個別相談*（1件）", "オンライン", "担当: 相談員 森", "奄美商店", "連絡先: 0997-00-0000"}},
		{"questions", []string{"（新しい順に2件）", "【スタッフ希望】　人と話したいです\n• ", "【未回答】　ペットは連れて行けますか"}},
		{"", []string{"`/amami` の使い方", "`/amami seminars`", "`/amami roster セミナーID`", "`/amami requests`", "`/amami bookings`", "`/amami questions`", "amamibot export questions"}},
		{"help me", []string{"`/amami` の使い方"}},
		{"　SEMINARS　", []string{"*今後のセミナー*"}}, // full-width spaces, capitals
	} {
		got := h.command(t, h.srv.Channel, tc.text)
		for _, want := range tc.want {
			if !strings.Contains(got, want) {
				t.Errorf("/amami %s: answer does not contain %q; it is:\n%s", tc.text, want, got)
			}
		}
	}
}

func TestCommandsWhenEmpty(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite, options{})
	for text, want := range map[string]string{
		"seminars":  "予定されているセミナーはありません。",
		"requests":  "承認待ちの紹介依頼はありません。",
		"bookings":  "今後の個別相談の予約はありません。",
		"questions": "答えられなかった質問やスタッフへの依頼はありません。",
	} {
		if got := h.command(t, h.srv.Channel, text); got != want {
			t.Errorf("/amami %s: %q, want %q", text, got, want)
		}
	}
}

// Commands from another workspace or channel are refused politely and read
// nothing.
func TestCommandsRefused(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite, options{})
	h.seed(t)
	if got := h.command(t, "C0ELSEWHERE", "requests"); !strings.Contains(got, "スタッフ用チャンネル <#"+h.srv.Channel+">") || strings.Contains(got, "奄美商店") {
		t.Errorf("from another channel: %q, want a polite refusal naming the staff channel", got)
	}
	form := h.srv.Command(h.srv.Channel, yamada, "/amami", "requests")
	form.Set("team_id", "T0OTHER")
	body := []byte(form.Encode())
	w := send(h.commands, "/slack/commands", body, slackfake.Sign(secret, time.Now(), body))
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "ワークスペース") || strings.Contains(w.Body.String(), "奄美商店") {
		t.Errorf("from another workspace: %d %s, want a polite refusal", w.Code, w.Body)
	}
}
