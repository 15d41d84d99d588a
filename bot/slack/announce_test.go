package slack_test

import (
	"bytes"
	"fmt"
	"image/png"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/amamibot/amamibot/bot/slack/slackfake"
	"github.com/amamibot/amamibot/chart"
	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/store/storetest"
)

// submit submits view v filled in with values and returns what the modal
// shows next (errors, or the updated view), as Slack would.
func (h *harness) submit(t *testing.T, v slackfake.View, values map[string]string) (slackfake.View, map[string]string, bool) {
	t.Helper()
	body := slackfake.Form(h.srv.Submit(t, v, yamada, values))
	w := send(h.actions, "/slack/actions", body, slackfake.Sign(secret, time.Now(), body))
	if w.Code != 200 {
		t.Fatalf("view_submission answered %d %s", w.Code, w.Body)
	}
	return h.srv.Answered(t, v, w.Body.Bytes())
}

// TestAnnounceFromSlack: /amami announce opens the modal; what cannot be
// sent is refused next to the field, with the reason; a good one shows its
// reach and preview, and 「送信」 sends it, with progress and the final
// count in the thread.
func TestAnnounceFromSlack(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite, options{batches: true})
	ctx := t.Context()
	at := time.Now().Add(48 * time.Hour)
	if err := h.st.UpsertSeminars(ctx, []store.Seminar{{ID: "dx-0115", Title: "観光DXセミナー", StartsAt: at, EndsAt: at.Add(time.Hour), OnlineURL: "https://meet.example.jp/dx"}}); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if err := h.st.SetTopics(ctx, fmt.Sprintf("U%d", i), []string{store.TopicSeminar}, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if got := h.command(t, h.srv.Channel, "announce"); !strings.Contains(got, "開きました") {
		t.Errorf("/amami announce answered %q", got)
	}
	views := h.srv.Views()
	if len(views) != 1 {
		t.Fatalf("%d views opened, want the composer", len(views))
	}
	compose := views[0]

	_, errs, _ := h.submit(t, compose, map[string]string{"topic": store.TopicTours, "text": " ", "link": "javascript:alert(1)"})
	want := map[string]string{"topic": "受け取る人はいません", "text": "本文が空です", "link": "https://"}
	for block, reason := range want {
		if !strings.Contains(errs[block], reason) {
			t.Errorf("errors[%s] = %q, want one saying %q (all: %v)", block, errs[block], reason, errs)
		}
	}
	_, errs, _ = h.submit(t, compose, map[string]string{"topic": store.TopicSeminar, "text": strings.Repeat("あ", 2501), "at": "明日の朝"})
	if !strings.Contains(errs["text"], "2500文字まで") || !strings.Contains(errs["at"], "12/10 9:00") || errs["topic"] != "" {
		t.Errorf("errors = %v, want the text too long for Slack and the time unreadable", errs)
	}
	_, errs, _ = h.submit(t, compose, map[string]string{"topic": store.TopicSeminar, "text": "x", "link": "https://amami.example.jp", "seminar": "dx-0115"})
	if !strings.Contains(errs["link"], "どちらか一つ") {
		t.Errorf("errors = %v, want a link and a seminar refused together", errs)
	}

	preview, errs, _ := h.submit(t, compose, map[string]string{"topic": store.TopicSeminar, "text": "1月のセミナーの受付を始めました。", "seminar": "dx-0115"})
	if errs != nil {
		t.Fatalf("a good announcement was refused: %v", errs)
	}
	if shown := preview.Text(); !strings.Contains(shown, "届く人数: 3人") || !strings.Contains(shown, "1月のセミナーの受付を始めました。") ||
		!strings.Contains(shown, "[申し込む]") || !strings.Contains(shown, "配信停止") {
		t.Errorf("the preview shows:\n%s\nwant the reach, the text, the button and the way to stop", shown)
	}
	if msgs := h.srv.Messages(h.srv.Channel); len(msgs) != 0 {
		t.Fatalf("something was posted before 「送信」: %+v", msgs)
	}

	if _, _, closed := h.submit(t, preview, nil); !closed {
		t.Fatal("「送信」 did not close the modal")
	}
	msgs := h.srv.WaitMessages(t, h.srv.Channel, 2, wait)
	head := msgs[0]
	if !strings.Contains(head.Text, "お知らせを送信します（セミナー・3人・") {
		t.Errorf("the thread starts with %q", head.Text)
	}
	last := msgs[len(msgs)-1]
	if last.ThreadTS != head.TS || !strings.Contains(last.Text, "送信が完了しました（3人）") {
		t.Errorf("the thread ends with %+v, want the final count in the thread", last)
	}
}

// TestCheckin: /amami checkin posts the roster with a 「出席」 button per
// attendee; a click marks them present, and the next day's follow-up tells
// the others apart as no-shows.
func TestCheckin(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite, options{})
	ctx := t.Context()
	at := time.Now().Add(2 * time.Hour)
	if err := h.st.UpsertSeminars(ctx, []store.Seminar{{ID: "dx", Title: "観光DXセミナー", StartsAt: at, EndsAt: at.Add(time.Hour), Venue: "奄美市", Capacity: 10}}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"U1", "U2"} {
		if _, err := h.st.Register(ctx, store.RegisterRequest{SeminarID: "dx", UserID: u, Attendance: store.Venue, Name: "名前" + u, Company: "会社" + u, Now: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	if got := h.command(t, h.srv.Channel, "checkin"); !strings.Contains(got, "セミナーIDを指定") {
		t.Errorf("/amami checkin without an ID answered %q", got)
	}
	if got := h.command(t, h.srv.Channel, "checkin dx"); !strings.Contains(got, "出席簿を投稿しました") {
		t.Fatalf("/amami checkin dx answered %q", got)
	}
	roster := h.srv.WaitMessages(t, h.srv.Channel, 1, wait)[0]
	buttons := roster.Buttons()
	if len(buttons) != 2 || buttons[0].Text != "出席: 名前U1（会社U1）" {
		t.Fatalf("the roster shows %+v, want a 出席 button per attendee", buttons)
	}
	if w := h.click(h.srv.Click(t, roster, buttons[0].ActionID, yamada)); w.Code != 200 {
		t.Fatalf("click answered %d", w.Code)
	}
	if r := h.srv.WaitResponses(t, 1, wait); !strings.Contains(r[0].Text, "名前U1（会社U1）さんを出席にしました") {
		t.Errorf("the click was answered %q", r[0].Text)
	}
	fs, err := h.st.DueFollowups(ctx, at.Add(26*time.Hour))
	if err != nil || len(fs) != 2 {
		t.Fatalf("DueFollowups = %+v, %v", fs, err)
	}
	for _, f := range fs {
		if f.Attended != (f.UserID == "U1") {
			t.Errorf("follow-up of %s: attended %v, want only U1, who was checked in", f.UserID, f.Attended)
		}
	}
}

// bookConsultation has U1 of 喜界ごま店 book a consultation with 田中 at at.
func (h *harness) bookConsultation(t *testing.T, at time.Time) {
	t.Helper()
	ctx := t.Context()
	if err := h.st.UpsertSlots(ctx, []store.Slot{{ID: "c1", StartsAt: at, EndsAt: at.Add(45 * time.Minute), Host: "田中", Mode: store.ConsultVenue}}); err != nil {
		t.Fatal(err)
	}
	if err := h.st.SaveOwner(ctx, store.Owner{UserID: "U1", Company: "喜界ごま店", Contact: "09012345678", UpdatedAt: at}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.st.BookSlot(ctx, store.BookRequest{SlotID: "c1", UserID: "U1", Now: at.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
}

// TestOutcomeInSlack: what an owner answers a week after the consultation
// is posted in the staff channel.
func TestOutcomeInSlack(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite, options{})
	ctx := t.Context()
	now := time.Now()
	at := now.Add(-7*24*time.Hour - 2*time.Hour)
	h.bookConsultation(t, at)
	fs, err := h.st.DueFollowups(ctx, now)
	if err != nil || len(fs) != 1 {
		t.Fatalf("DueFollowups = %+v, %v", fs, err)
	}
	if _, err := h.st.AnswerFollowup(ctx, "U1", fs[0].ID, store.OutcomeStarted, now); err != nil {
		t.Fatal(err)
	}
	msgs := h.srv.WaitMessages(t, h.srv.Channel, 2, wait) // the booking's notice, then the outcome
	if got := msgs[len(msgs)-1]; got.Text != ":speech_balloon: 個別相談のその後（喜界ごま店・担当 田中）: *始まった*" {
		t.Errorf("staff were told %q", got.Text)
	}
	month := now.In(tokyoLoc(t)).Format("2006-01")
	// The booking may fall in the month before; the answer is this month's.
	if got := h.file(t, "report"); !regexp.MustCompile(`\*` + month + `\* 紹介依頼 0 → 承認 0 → 個別相談 [01] → 始まった 1 `).MatchString(got) {
		t.Errorf("/amami report answered %q, want this month's engagement started", got)
	}
}

// TestEngagementOutcomeInSlack: three months after the owner said the work
// started, their answer 続いている is posted in the staff channel and
// counted in /amami report, which posts the funnel chart as a PNG too.
func TestEngagementOutcomeInSlack(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite, options{})
	ctx := t.Context()
	now := time.Now()
	answered := now.Add(-store.EngagementFollowupAfter - time.Hour)
	at := answered.Add(-store.ConsultationFollowupAfter - 2*time.Hour)
	h.bookConsultation(t, at)
	fs, err := h.st.DueFollowups(ctx, answered)
	if err != nil || len(fs) != 1 {
		t.Fatalf("DueFollowups a week after = %+v, %v", fs, err)
	}
	if _, err := h.st.AnswerFollowup(ctx, "U1", fs[0].ID, store.OutcomeStarted, answered); err != nil {
		t.Fatal(err)
	}
	if fs, err = h.st.DueFollowups(ctx, now); err != nil || len(fs) != 1 || fs[0].Kind != store.FollowEngagement {
		t.Fatalf("DueFollowups three months on = %+v, %v", fs, err)
	}
	if _, err := h.st.AnswerFollowup(ctx, "U1", fs[0].ID, store.OutcomeContinuing, now); err != nil {
		t.Fatal(err)
	}
	msgs := h.srv.WaitMessages(t, h.srv.Channel, 3, wait) // the booking's notice, then the two answers
	if got := msgs[len(msgs)-1]; got.Text != ":speech_balloon: 3か月後のお仕事（喜界ごま店・担当 田中）: *続いている*" {
		t.Errorf("staff were told %q", got.Text)
	}
	month := now.In(tokyoLoc(t)).Format("2006-01")
	got := h.file(t, "report")
	if !regexp.MustCompile(`\*`+month+`\* .* → 3か月後も続く 1 `).MatchString(got) || !strings.Contains(got, "図をこのチャンネルに投稿しました") {
		t.Errorf("/amami report answered %q, want this month's engagement still going and the chart posted", got)
	}
	files := h.srv.Files(h.srv.Channel)
	if len(files) != 1 || !strings.HasSuffix(files[0].Name, ".png") {
		t.Fatalf("files shared in the channel: %+v, want the report's chart", files)
	}
	img, err := png.Decode(bytes.NewReader(files[0].Content))
	if err != nil || img.Bounds().Dx() != chart.Width {
		t.Errorf("the report's file is not the chart: %v", err)
	}
}

// TestAnnounceNeedsASecondStaffMember: configured so, the author's 「送信」
// only posts the announcement with a 「送信」 button that another staff
// member must press.
func TestAnnounceNeedsASecondStaffMember(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite, options{batches: true, second: true})
	if err := h.st.SetTopics(t.Context(), "U1", []string{store.TopicJobs}, time.Now()); err != nil {
		t.Fatal(err)
	}
	h.command(t, h.srv.Channel, "announce")
	preview, errs, _ := h.submit(t, h.srv.Views()[0], map[string]string{"topic": store.TopicJobs, "text": "副業案件を募集しています。"})
	if errs != nil {
		t.Fatalf("refused: %v", errs)
	}
	if _, _, closed := h.submit(t, preview, nil); !closed {
		t.Fatal("「送信」 did not close the modal")
	}
	msgs := h.srv.WaitMessages(t, h.srv.Channel, 2, wait)
	ask := msgs[1]
	if ask.ThreadTS != msgs[0].TS || !strings.Contains(ask.Text, "別のスタッフ") {
		t.Fatalf("the thread shows %+v, want the second staff member asked", ask)
	}
	h.click(h.srv.Click(t, ask, "announce_send", yamada))
	if r := h.srv.WaitResponses(t, 1, wait); !strings.Contains(r[0].Text, "作成した本人は送信できません") {
		t.Errorf("the author's click was answered %q", r[0].Text)
	}
	h.click(h.srv.Click(t, ask, "announce_send", slackfake.User{ID: "U0MORI", Name: "森"}))
	if r := h.srv.WaitResponses(t, 2, wait); !strings.Contains(r[1].Text, "送信を開始しました（1人）") {
		t.Errorf("the second staff member's click was answered %q", r[1].Text)
	}
	msgs = h.srv.WaitMessages(t, h.srv.Channel, 3, wait)
	if last := msgs[len(msgs)-1]; !strings.Contains(last.Text, "送信が完了しました（1人）") {
		t.Errorf("the thread ends with %q", last.Text)
	}
}

func tokyoLoc(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
