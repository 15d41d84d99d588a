package match

import (
	"strings"
	"testing"
)

// Owners who write of a need in words the lexicon lacks, and then pick the
// field or book a professional, teach a row: the word, the field's skill the
// professionals they chose hold, how many owners, masked examples.
func TestProposeLexicon(t *testing.T) {
	ix := demoIndex()
	var accountant string // a finance professional whom owners booked
	for _, tl := range ix.talents {
		if len(tl.Categories) > 0 && tl.Categories[0] == "finance" {
			accountant = tl.ID
			break
		}
	}
	lessons := []Lesson{
		{Owner: "U1", Text: "帳尻がいつも合わなくて、いくら残ってるのか分からない。田中健一 090-1234-5678", Category: "finance", Fits: true},
		{Owner: "U2", Text: "うちは月末の帳尻が合わないです。taro@example.jp まで", Category: "finance", TalentID: accountant, Fits: true},
		{Owner: "U2", Text: "帳尻が合わない", Category: "finance", Fits: true}, // the same owner again counts once
		{Owner: "U3", Text: "昔から帳尻合わせで困ってる", Category: "finance", Fits: true},
		{Owner: "U4", Text: "帳尻を合わせたい", Category: "marketing", Fits: false},
		{Owner: "U5", Text: "田中健一です、帳尻が", Category: "hr", Fits: true}, // one owner is not enough
	}
	rows := ix.ProposeLexicon(lessons, []string{"田中 健一"}, 2)
	var found *LexiconRow
	for i, r := range rows {
		if strings.Contains(r.Phrase, "田中") || strings.Contains(r.Phrase, "健一") || strings.ContainsAny(r.Phrase, "0123456789@") {
			t.Errorf("row %+v proposes personal data", r)
		}
		if r.Category == "hr" {
			t.Errorf("row %+v rests on one owner", r)
		}
		if r.Phrase == "帳尻" && r.Category == "finance" {
			found = &rows[i]
		}
	}
	if found == nil {
		t.Fatalf("no row 帳尻 → finance in %+v", rows)
	}
	if found.Owners != 3 || found.Against != 0 || found.Weight != 1 || found.Skill == "" || len(found.Examples) != 3 {
		t.Errorf("row %+v, want 3 owners, none against, weight 1, a skill and 3 examples", found)
	}
	if t2, _ := ix.Talent(accountant); found.Skill == "" || !strings.Contains(strings.Join(t2.Skills, " "), found.Skill) {
		t.Errorf("skill %q, want one the booked professional holds (%v)", found.Skill, t2.Skills)
	}
	for _, ex := range found.Examples {
		if strings.Contains(ex, "田中") || strings.Contains(ex, "090") || strings.Contains(ex, "taro@") {
			t.Errorf("example %q keeps personal data", ex)
		}
	}
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"田中健一です。090-1234-5678 か taro@example.jp へ": "〔名前〕です。〔番号〕 か 〔連絡先〕 へ",
		"お店のサイトは https://example.jp/shop です":       "お店のサイトは 〔URL〕 です",
		"奄美 花子と申します":                               "〔名前〕 〔名前〕と申します",
		"奄美花子と申します":                                "〔名前〕と申します",
	} {
		if got := Redact(in, []string{"奄美 花子"}); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}
