package flows_test

import (
	"context"
	"strings"
	"testing"

	"github.com/amamibot/amamibot/flows"
	"github.com/amamibot/amamibot/store"
)

// After staff decline an introduction, 別の候補を見る lists others for the
// same problem: the declined professional is not among them, tapping their
// card of the earlier list is refused politely, and the funnel counts the
// problem and its suggestions once.
func TestRetryAfterDecline(t *testing.T) {
	st := ownerStore(t)
	counts := funnel{}
	bot := &flows.Bot{Intros: st, Bookings: st, Privacy: st, Matcher: demoIndex(), Funnel: counts, Loc: tokyo}
	c := newTalk(t, bot)
	step := func(kind flows.InputKind, text string) []flows.Reply {
		t.Helper()
		return c.send("U1", kind, text)
	}
	first := step(flows.Text, "ネットショップを始めたいけど、何から手をつければいいか分からない")
	declinedCard := first[0].Cards[0].Buttons[0].Data
	c.say("U1", "1", "同意する", "奄美 花子", "なし", "owner@example.jp", "依頼する")
	intro := c.decide(st, store.Declined)
	push := bot.Decision(intro, "岡本 純一")
	again := step(flows.Postback, push[0].Choices[0].Data)
	for _, c := range again[0].Cards {
		if c.Buttons[0].Data == declinedCard {
			t.Errorf("別の候補 lists the declined professional again: %s", c.Title)
		}
	}
	if len(again[0].Cards) != 5 {
		t.Errorf("別の候補 lists %d professionals, want 5", len(again[0].Cards))
	}
	if got := step(flows.Postback, declinedCard)[0].Text; !strings.Contains(got, "見送り") {
		t.Errorf("asking for the declined professional again: %q, want a polite refusal", got)
	}
	if counts["problem_described"] != 1 || counts["suggestions_shown"] != 1 {
		t.Errorf("funnel %v, want the problem and its suggestions counted once", counts)
	}
}

// The owner's name, company and contact are kept when they confirm the
// request, not before: an owner who stops at the confirmation leaves
// nothing behind.
func TestOwnerSavedOnConfirm(t *testing.T) {
	ctx := context.Background()
	st := ownerStore(t)
	bot := &flows.Bot{Intros: st, Bookings: st, Privacy: st, Matcher: demoIndex(), Loc: tokyo}
	c := newTalk(t, bot)
	c.say("U1", "後継ぎがいなくて、店をどうするか悩んでいます", "1", "同意する", "奄美 花子", "喜界ごま店", "090-1234-5678", "キャンセル")
	if o, err := st.Owner(ctx, "U1"); err == nil {
		t.Fatalf("owner kept before confirming: %+v", o)
	}
	c.say("U1", "後継ぎがいなくて、店をどうするか悩んでいます", "1", "奄美 花子", "喜界ごま店", "090-1234-5678", "依頼する")
	o, err := st.Owner(ctx, "U1")
	if err != nil || o.Name != "奄美 花子" || o.Company != "喜界ごま店" || o.Contact != "090-1234-5678" {
		t.Errorf("owner after confirming: %+v, %v", o, err)
	}
}

// What owners do teaches the matcher: a field picked instead of the one
// restated, 他の候補, and a consultation booked after an approved
// introduction are kept as signals with the owner's words.
func TestSignalsFromUse(t *testing.T) {
	ctx := context.Background()
	st := ownerStore(t)
	bot := &flows.Bot{Intros: st, Bookings: st, Privacy: st, Matcher: demoIndex(), Loc: tokyo}
	c := newTalk(t, bot)
	step := func(kind flows.InputKind, text string) []flows.Reply {
		t.Helper()
		return c.send("U1", kind, text)
	}
	const problem = "民宿の予約管理がノートで限界、ついでにロゴも古い"
	step(flows.Text, problem)
	step(flows.Postback, "category:tourism")
	step(flows.Text, "他の候補")
	c.say("U1", "6", "同意する", "奄美 花子", "なし", "owner@example.jp", "依頼する")
	intro := c.decide(st, store.Approved)
	step(flows.Postback, bot.Decision(intro, "")[0].Choices[0].Data)
	step(flows.Text, "1")
	step(flows.Text, "予約する")

	got, err := st.AllSignals(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.Signal{
		{Kind: store.SignalField, Category: "tourism"},
		{Kind: store.SignalMore, Category: "tourism"},
		{Kind: store.SignalBooked, Category: "tourism", TalentID: intro.TalentID},
	}
	if len(got) != len(want) {
		t.Fatalf("signals %+v, want %+v", got, want)
	}
	for i, g := range got {
		if g.UserID != "U1" || g.Problem != problem || g.Kind != want[i].Kind || g.Category != want[i].Category || g.TalentID != want[i].TalentID {
			t.Errorf("signal %d = %+v, want %+v with the owner's problem", i, g, want[i])
		}
	}
}
