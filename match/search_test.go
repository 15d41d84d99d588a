package match

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

var demoIndex = sync.OnceValue(func() *Index { return NewIndex(DemoTalents()) })

func TestSearchSuggestsTheRightProfessional(t *testing.T) {
	ix := demoIndex()
	for _, c := range []struct{ text, category, skill string }{
		{"グーグルマップで検索してもうちのお店が出てこない", "marketing", "MEO対策"},
		{"大島紬の工房を継ぐ人がいない", "succession", "事業承継"},
		{"島外への送料が高くて利益が残らない", "logistics", "物流コスト削減"},
		{"ダブルブッキングが起きる", "it_dx", "予約システム導入"},
		{"うちの商品名を他社に真似されないようにしたい", "legal", "商標登録"},
	} {
		r := ix.Search(c.text, 5)
		if !r.Confident || len(r.Categories) == 0 || r.Categories[0] != c.category {
			t.Errorf("Search(%q): confident=%v categories=%v, want %s first", c.text, r.Confident, r.Categories, c.category)
		}
		if len(r.Candidates) != 5 {
			t.Fatalf("Search(%q) returned %d candidates, want 5", c.text, len(r.Candidates))
		}
		for i, cand := range r.Candidates {
			if len(cand.MatchedSkills) == 0 || cand.Talent.Categories[0] != c.category {
				t.Errorf("Search(%q) #%d is %s %v %v, want a %s professional with a matching skill",
					c.text, i+1, cand.Talent.ID, cand.Talent.Categories, cand.Talent.Skills, c.category)
			}
		}
		if top := r.Candidates[0]; !slices.Contains(top.MatchedSkills, c.skill) {
			t.Errorf("Search(%q): the first candidate has %v, want %s", c.text, top.Talent.Skills, c.skill)
		}
	}
}

// Every suggestion tells the owner why, in Japanese that fits a LINE card.
func TestEveryCandidateHasReasons(t *testing.T) {
	ix := demoIndex()
	for _, text := range []string{
		"インスタを始めたけどフォロワーが全然増えません",
		"求人を出しても応募が来ないし、送料も高い",
		"売上を上げたい",
		"焼酎",
		"English only please",
	} {
		r := ix.Search(text, 10)
		for _, c := range r.Candidates {
			if len(c.Reasons) == 0 {
				t.Errorf("Search(%q): %s has no reason", text, c.Talent.ID)
			}
			if c.Score <= 0 {
				t.Errorf("Search(%q): %s has score %v", text, c.Talent.ID, c.Score)
			}
			for _, reason := range c.Reasons {
				if n := utf8.RuneCountInString(reason); n == 0 || n > 120 || !strings.ContainsAny(reason, "がをにのでとすまあ") {
					t.Errorf("Search(%q): %s has reason %q, want a short Japanese sentence", text, c.Talent.ID, reason)
				}
			}
		}
	}
	r := ix.Search("グーグルマップで店が出てこない", 1)
	if want := "「MEO対策」の経験があります"; r.Candidates[0].Reasons[0] != want {
		t.Errorf("first reason = %q, want %q", r.Candidates[0].Reasons[0], want)
	}
}

func TestSearchBadInput(t *testing.T) {
	ix := demoIndex()
	long := strings.Repeat("インスタを始めたけどフォロワーが増えません。", 250)
	long = string([]rune(long)[:5000])
	for _, c := range []struct {
		name, text string
		confident  bool
		category   string // first understood field, if confident
	}{
		{"empty", "", false, ""},
		{"blank", " 　\n\t", false, ""},
		{"only emoji", "😭🙏🙏", false, ""},
		{"a sigh", "困ってます", false, ""},
		{"a greeting", "こんにちは！よろしくお願いします", false, ""},
		{"vague", "売上を上げたい", false, ""},
		{"5,000 characters", long, true, "marketing"},
		{"half-width katakana", "ﾎｰﾑﾍﾟｰｼﾞを作り直したい", true, "it_dx"},
		{"full-width ASCII", "ＳＮＳで集客したい", true, "marketing"},
		{"English", "We need help hiring staff", true, "hr"},
		{"control characters", "求人\x00を\u202e出したい", true, "hr"},
		{"invalid UTF-8", "求人\xffを出したい", true, "hr"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := ix.Search(c.text, 5)
			if r.Confident != c.confident {
				t.Errorf("confident = %v, want %v (categories %v, skills %v)", r.Confident, c.confident, r.Categories, r.Skills)
			}
			if c.confident && (len(r.Categories) == 0 || r.Categories[0] != c.category || len(r.Candidates) != 5) {
				t.Errorf("categories %v with %d candidates, want %s first and 5 candidates", r.Categories, len(r.Candidates), c.category)
			}
			blank := strings.TrimSpace(c.text) == ""
			if blank && len(r.Candidates) > 0 {
				t.Errorf("%d candidates for nothing", len(r.Candidates))
			}
			// Unsure or not, a text is ranked: the flow decides whether to
			// ask first.
			if !blank && len(r.Candidates) != 5 {
				t.Errorf("%d candidates, want 5", len(r.Candidates))
			}
			if r.Confident != (r.Confidence >= 0.5) || r.Confidence < 0 || r.Confidence > 1 {
				t.Errorf("confidence %v with confident=%v", r.Confidence, r.Confident)
			}
		})
	}
}

// A vague text still says which fields it might be about, so that the
// clarifying question can offer them first.
func TestVagueTextOffersFields(t *testing.T) {
	r := demoIndex().Search("売上が落ちてきて困っている", 5)
	if r.Confident || len(r.Categories) < 2 {
		t.Errorf("confident=%v categories=%v, want not confident with several fields", r.Confident, r.Categories)
	}
}

// A message with several problems is understood as such: every field is
// offered, so the flow can show the professionals of each in turn.
func TestSeveralProblemsInOneMessage(t *testing.T) {
	ix := demoIndex()
	text := "インスタのフォロワーが増えないし、求人を出しても人が来ない。あと補助金も使いたい"
	r := ix.Search(text, 5)
	if !r.Confident {
		t.Error("not confident")
	}
	for _, want := range []string{"marketing", "hr", "finance"} {
		if !slices.Contains(r.Categories, want) {
			t.Fatalf("categories %v, want %s among them", r.Categories, want)
		}
		rc := ix.SearchCategory(text, want, 1)
		if len(rc.Candidates) == 0 || len(rc.Candidates[0].MatchedSkills) == 0 {
			t.Errorf("SearchCategory(%s) found no professional with a matching skill", want)
		}
	}
}

// With two needs in one message, the one the owner stresses leads and the
// one they set aside follows, whatever the order they come in.
func TestStressedNeedLeads(t *testing.T) {
	ix := demoIndex()
	for _, c := range []struct{ text, first string }{
		{"一番困ってるのは後継ぎがいないこと。ついでにインスタも始めたい", "succession"},
		{"インスタも始めたいけど、何より後継ぎがいないのが心配", "succession"},
		{"後継ぎのこともあるけど、とにかく今はインスタを始めたい", "marketing"},
		{"まずは資金繰りをなんとかしたい。落ち着いたら新しいメニューも考えたい", "finance"},
		// The stressed need leads even when told in fainter words than
		// the one set aside.
		{"ホームページもロゴもチラシも作り直したいけど、大事なのは利益が出ないこと", "finance"},
		// A need named again where it is stressed counts there.
		{"インスタのフォロワーが増えないのと、残業ばっかりで。一番困ってるのは残業の方", "it_dx"},
		// A wish told last, after how things stand, is what is asked for.
		{"注文は電話で受けてるけど、手間がかかる。ネットショップを始めたい", "ec"},
	} {
		r := ix.Search(c.text, 5)
		if len(r.Categories) < 2 || r.Categories[0] != c.first {
			t.Errorf("Search(%q): fields %v, want %s first of two or more", c.text, r.Categories, c.first)
		}
	}
	// Stressing or setting a need aside orders the fields; it does not
	// make a vague text clear nor a clear one vague.
	for _, c := range [][2]string{
		{"売上を上げたい", "とにかく売上を上げたい"},
		{"お客さんを増やしたい", "一番はお客さんを増やしたい"},
		{"求人を出したい", "あと、求人を出したい"},
	} {
		plain, marked := ix.Search(c[0], 5), ix.Search(c[1], 5)
		if plain.Confidence != marked.Confidence {
			t.Errorf("confidence %v for %q but %v for %q", plain.Confidence, c[0], marked.Confidence, c[1])
		}
	}
}

func TestSearchCategory(t *testing.T) {
	ix := demoIndex()
	r := ix.SearchCategory("困ってます", "hr", 8)
	if !r.Confident || len(r.Candidates) != 8 || r.Categories[0] != "hr" {
		t.Fatalf("confident=%v candidates=%d categories=%v, want confident, 8, hr first", r.Confident, len(r.Candidates), r.Categories)
	}
	for _, c := range r.Candidates {
		if !slices.Contains(c.Talent.Categories, "hr") || len(c.Reasons) == 0 {
			t.Errorf("%s (%v, reasons %q) is not an hr professional with a reason", c.Talent.ID, c.Talent.Categories, c.Reasons)
		}
	}
	// The text still ranks within the field.
	r = ix.SearchCategory("外国人の技能実習生を受け入れたい", "hr", 3)
	if !slices.Contains(r.Candidates[0].MatchedSkills, "外国人材受入れ") {
		t.Errorf("top hr candidate %v, want one with 外国人材受入れ", r.Candidates[0].Talent.Skills)
	}
	if r := ix.SearchCategory("求人", "astrology", 5); r.Confident || len(r.Candidates) > 0 {
		t.Errorf("unknown field: confident=%v with %d candidates, want neither", r.Confident, len(r.Candidates))
	}
}

// "Show me the next ones": a longer search starts with the shorter one, and
// the same text always gives the same answer.
func TestSearchIsStable(t *testing.T) {
	ix := demoIndex()
	text := "ネットショップを作りたい"
	five, ten := ix.Search(text, 5), ix.Search(text, 10)
	for i := range five.Candidates {
		if five.Candidates[i].Talent.ID != ten.Candidates[i].Talent.ID {
			t.Fatalf("#%d: %s in the top 5 but %s in the top 10", i+1, five.Candidates[i].Talent.ID, ten.Candidates[i].Talent.ID)
		}
	}
	if r := ix.Search(text, 0); len(r.Candidates) != 0 || len(r.Skills) == 0 {
		t.Errorf("k=0: %d candidates, skills %v; want none, and still the understanding", len(r.Candidates), r.Skills)
	}
}

func TestTiesGoToTheLowerID(t *testing.T) {
	var ts []Talent
	for _, id := range []string{"T9", "T3", "T7", "T1"} {
		ts = append(ts, Talent{ID: id, DisplayName: "同じ 人", Headline: "SEO対策の専門家", Skills: []string{"SEO対策"},
			Categories: []string{"marketing"}, WorkStyle: "remote"})
	}
	var got []string
	for _, c := range NewIndex(ts).Search("SEO対策をお願いしたい", 4).Candidates {
		got = append(got, c.Talent.ID)
	}
	if want := []string{"T1", "T3", "T7", "T9"}; !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
}

func TestSearchIsSafeForConcurrentUse(t *testing.T) {
	ix := demoIndex()
	texts := []string{"インスタ", "求人", "補助金", "送料", "商標", "ロゴ", "輸出", "事業承継"}
	want := make([]string, len(texts))
	for i, text := range texts {
		want[i] = fmt.Sprint(ix.Search(text, 5))
	}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 20 {
				j := (w + i) % len(texts)
				if got := fmt.Sprint(ix.Search(texts[j], 5)); got != want[j] {
					t.Errorf("concurrent Search(%q) differs from a lone one", texts[j])
				}
			}
		})
	}
	wg.Wait()
}

func TestIndexTalent(t *testing.T) {
	ix := demoIndex()
	if ix.Len() != 420 {
		t.Errorf("Len = %d, want 420", ix.Len())
	}
	if tl, ok := ix.Talent("D0001"); !ok || tl.ID != "D0001" {
		t.Errorf("Talent(D0001) = %v, %v", tl.ID, ok)
	}
	if _, ok := ix.Talent("nobody"); ok {
		t.Error("Talent(nobody) found someone")
	}
	if r := NewIndex(nil).Search("求人を出したい", 5); len(r.Candidates) != 0 || !r.Confident {
		t.Errorf("empty pool: %d candidates, confident=%v; want none, confident", len(r.Candidates), r.Confident)
	}
}

// Whatever an owner sends, Search answers without panicking, and explains
// every suggestion.
func FuzzSearch(f *testing.F) {
	for _, s := range []string{"", "😭", "ﾎｰﾑﾍﾟｰｼﾞ", "ＳＮＳ", "求人\xff", "ー-ー", "。。。", "a&b", strings.Repeat("あ", 300)} {
		f.Add(s)
	}
	ix := demoIndex()
	f.Fuzz(func(t *testing.T, text string) {
		for _, c := range ix.Search(text, 3).Candidates {
			if len(c.Reasons) == 0 || c.Reasons[0] == "" {
				t.Errorf("Search(%q): %s without a reason", text, c.Talent.ID)
			}
		}
	})
}

// Needs lists the problems a message tells of, the stressed one first, and
// none for a vague wish.
func TestNeeds(t *testing.T) {
	ix := demoIndex()
	for text, want := range map[string][]string{
		"民宿の予約管理がノートで限界、ついでにロゴも古い":         {"it_dx", "branding"},
		"グーグルマップで店が出てこないし、インスタのフォロワーも増えない": {"marketing"},
		"売上を上げたいです": nil,
	} {
		if got := ix.Search(text, 5).Needs; !slices.Equal(got, want) {
			t.Errorf("Search(%q).Needs = %v, want %v", text, got, want)
		}
	}
}
