package flows_test

import (
	"context"
	"strings"
	"testing"

	"github.com/amamibot/amamibot/flows"
	"github.com/amamibot/amamibot/store"
)

// Staff edit the FAQ while the bot runs: the next question gets the new
// answer, and a removed row is no longer answered.
func TestFAQFollowsStaffEdits(t *testing.T) {
	faq := &faqStore{rows: faqs()}
	bot := &flows.Bot{FAQ: faq, Loc: tokyo}
	ask := func(text string) string {
		t.Helper()
		_, replies, err := bot.Step(context.Background(), flows.Turn{Now: start, UserID: "U1", Input: flows.Input{Kind: flows.Text, Text: text}})
		if err != nil || len(replies) == 0 {
			t.Fatalf("%q: %v %v", text, replies, err)
		}
		return replies[0].Text
	}
	if got := ask("駐車場はありますか"); !strings.Contains(got, "台数に限りがあります") {
		t.Fatalf("parking: got %q", got)
	}
	faq.rows = append([]store.FAQ{}, faq.rows...)
	faq.rows[1].Answer = "会場の隣に無料の駐車場（30台）があります。"
	if got := ask("駐車場はありますか"); !strings.Contains(got, "無料の駐車場（30台）") {
		t.Fatalf("after staff edited the answer: got %q", got)
	}
	faq.rows = append(faq.rows[:1:1], faq.rows[2:]...)
	if got := ask("駐車場はありますか"); strings.Contains(got, "駐車場") {
		t.Fatalf("after staff removed the row: got %q", got)
	}
}

type funnel map[string]int

func (f funnel) Record(stage string) { f[stage]++ }

// The funnel's problem_described counts real problems only: greetings and
// thanks get a short answer, not professionals.
func TestSmallTalkIsNoProblem(t *testing.T) {
	counts := funnel{}
	bot := &flows.Bot{Matcher: demoIndex(), Funnel: counts, Loc: tokyo}
	var s flows.Session
	for _, text := range []string{"こんにちは", "どうもありがとう", "よろしくお願いします", "Hello", "後継ぎがいなくて、店をどうするか悩んでいます"} {
		next, replies, err := bot.Step(context.Background(), flows.Turn{Now: start, UserID: "U1", Session: s, Input: flows.Input{Kind: flows.Text, Text: text}})
		if err != nil || len(replies) == 0 {
			t.Fatalf("%q: %v %v", text, replies, err)
		}
		s = next
	}
	if counts["problem_described"] != 1 || counts["suggestions_shown"] != 1 {
		t.Errorf("funnel %v, want one problem described and one list of suggestions", counts)
	}
}
