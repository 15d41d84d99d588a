package slack

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/amamibot/amamibot/bot/slack/slackfake"
	"github.com/amamibot/amamibot/match"
	"github.com/amamibot/amamibot/store"
)

var tokyo = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		panic(err)
	}
	return loc
}()

// post sends m to a strict fake Slack, which refuses what Slack would, and
// returns the message as Slack keeps it.
func post(t *testing.T, m message) slackfake.Message {
	t.Helper()
	srv := slackfake.NewServer(t)
	api := slack.New(srv.Token, slack.OptionAPIURL(srv.APIURL))
	if _, _, err := api.PostMessageContext(t.Context(), srv.Channel, m.options()...); err != nil {
		t.Fatalf("post: %v", err)
	}
	return srv.Messages(srv.Channel)[0]
}

func intro() store.Introduction {
	return store.Introduction{
		ID: 12, UserID: "U1", TalentID: "t-007",
		Problem:   "グーグルマップで店が出てこない。\n口コミも増やしたい",
		Category:  "marketing",
		Reasons:   []string{"MEO対策の経験", "飲食店の支援実績"},
		Status:    store.Pending,
		CreatedAt: time.Date(2025, 11, 24, 5, 30, 0, 0, time.UTC),
		Owner:     store.Owner{UserID: "U1", Company: "奄美商店", Contact: "0997-00-0000"},
	}
}

var talent = match.Talent{ID: "t-007", DisplayName: "佐藤花子", Headline: "店舗集客のMEOコンサルタント"}

func TestAlertPending(t *testing.T) {
	m := post(t, alertMessage(intro(), talent, tokyo))
	shown := m.Shown()
	for _, want := range []string{
		"紹介依頼 #12", "*事業者*\n奄美商店", "*連絡先*\n0997-00-0000",
		"*お困りごと*\n>グーグルマップで店が出てこない。\n>口コミも増やしたい",
		"*分野*\n" + match.CategoryLabel("marketing"), "*専門家*\n佐藤花子 — 店舗集客のMEOコンサルタント",
		"*おすすめの理由*\n• MEO対策の経験\n• 飲食店の支援実績", "受付: 11月24日 14:30",
	} {
		if !strings.Contains(shown, want) {
			t.Errorf("the alert does not show %q; it shows:\n%s", want, shown)
		}
	}
	b := m.Buttons()
	if len(b) != 2 || b[0] != (slackfake.Button{ActionID: actionApprove, Value: "12", Text: "承認", Style: "primary"}) ||
		b[1] != (slackfake.Button{ActionID: actionDecline, Value: "12", Text: "見送り", Style: "danger"}) {
		t.Errorf("buttons %+v, want 承認 (primary) and 見送り (danger) carrying the ID", b)
	}
	if m.Text != "新しい紹介依頼: 奄美商店 → 佐藤花子" {
		t.Errorf("notification text %q", m.Text)
	}
	if m.Metadata == nil || m.Metadata.EventType != metaAlert || m.Metadata.EventPayload["introduction_id"] != "12" {
		t.Errorf("metadata %+v, want the introduction's ID", m.Metadata)
	}
}

func TestAlertDecided(t *testing.T) {
	for status, want := range map[store.IntroStatus]string{
		store.Approved: "*承認済み: 山田さん（11月24日 15:04）*",
		store.Declined: "*見送り済み: 山田さん（11月24日 15:04）*",
	} {
		in := intro()
		in.Status, in.DecidedBy, in.DecidedAt = status, "山田", time.Date(2025, 11, 24, 6, 4, 0, 0, time.UTC)
		m := post(t, alertMessage(in, talent, tokyo))
		if len(m.Buttons()) != 0 {
			t.Errorf("%s: buttons %+v, want none once decided", status, m.Buttons())
		}
		if !strings.Contains(m.Shown(), want) || !strings.Contains(m.Shown(), "お困りごと") {
			t.Errorf("%s: the alert shows\n%s\nwant the request and %q", status, m.Shown(), want)
		}
	}
}

// An owner's words can be anything: long, full of markup, emoji. The alert
// stays within Block Kit's limits and shows them as text.
func TestAlertBadInput(t *testing.T) {
	in := intro()
	in.Problem = strings.Repeat("<b>店&が</b>🙇‍♀️ｶﾀｶﾅ", 500)
	in.Owner = store.Owner{Company: strings.Repeat("株式会社", 1000), Contact: ""}
	in.Category = ""
	in.Reasons = nil
	for range 20 {
		in.Reasons = append(in.Reasons, strings.Repeat("理由", 1000))
	}
	m := post(t, alertMessage(in, match.Talent{}, tokyo)) // the professional left the pool
	shown := m.Shown()
	if strings.Contains(shown, "<b>") || !strings.Contains(shown, "&lt;b&gt;店&amp;が&lt;/b&gt;") {
		t.Errorf("markup not escaped:\n%.300s", shown)
	}
	if !strings.Contains(shown, "t-007（人材プールに見つかりません）") || !strings.Contains(shown, "*連絡先*\n（未登録）") ||
		!strings.Contains(shown, "*分野*\n（判定なし）") {
		t.Errorf("missing details not explained:\n%s", shown)
	}
	if n := strings.Count(shown, "• "); n != reasonsMax {
		t.Errorf("%d reasons shown, want %d", n, reasonsMax)
	}
	for _, line := range strings.Split(shown, "\n") {
		if n := utf8.RuneCountInString(line); n > problemMaxRunes+10 {
			t.Errorf("a line of %d characters: %.80s…", n, line)
		}
	}
}

func TestNotice(t *testing.T) {
	b := store.Booking{
		ID: 5, IntroductionID: 12,
		Slot:  store.Slot{StartsAt: time.Date(2025, 12, 11, 6, 0, 0, 0, time.UTC), EndsAt: time.Date(2025, 12, 11, 6, 30, 0, 0, time.UTC), Host: "田中", Mode: store.ConsultOnline},
		Owner: store.Owner{Company: "奄美商店", Contact: "taro@example.com"},
	}
	m := post(t, noticeMessage(b, store.Booked, tokyo))
	for _, want := range []string{"個別相談の予約が入りました", "*日時*\n12月11日(木) 15:00〜15:30", "*形式*\nオンライン",
		"*事業者*\n奄美商店", "*連絡先*\ntaro@example.com", "*担当*\n田中", "*紹介依頼*\n#12"} {
		if !strings.Contains(m.Shown(), want) {
			t.Errorf("the notice does not show %q; it shows:\n%s", want, m.Shown())
		}
	}
	if p := m.Metadata.EventPayload; m.Metadata.EventType != metaNotice || p["booking_id"] != "5" || p["status"] != "booked" {
		t.Errorf("metadata %+v", m.Metadata)
	}
	b.IntroductionID, b.Owner = 0, store.Owner{}
	m = post(t, noticeMessage(b, store.BookingCanceled, tokyo))
	for _, want := range []string{"個別相談の予約が取り消されました", "*紹介依頼*\nなし（メニューから予約）", "*事業者*\n（未登録）"} {
		if !strings.Contains(m.Shown(), want) {
			t.Errorf("the notice does not show %q; it shows:\n%s", want, m.Shown())
		}
	}
}

func TestAnswerFolds(t *testing.T) {
	lines := make([]string, 100)
	for i := range lines {
		lines[i] = strings.Repeat("あ", 99)
	}
	got := answer("見出し", lines)
	if n := utf8.RuneCountInString(got); n > answerMaxRunes {
		t.Errorf("%d characters, want at most %d", n, answerMaxRunes)
	}
	if !strings.HasSuffix(got, "…ほか63件") {
		t.Errorf("ends %q, want the count of lines left out", got[len(got)-30:])
	}
	if got := answer("見出し", lines[:3]); strings.Count(got, "\n") != 3 || strings.Contains(got, "ほか") {
		t.Errorf("short answer folded: %q", got)
	}
}
