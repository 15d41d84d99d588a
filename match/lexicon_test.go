package match

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// The shipped lexicon must only name skills professionals actually list and
// fields the bot can offer, and must not say the same thing twice.
func TestLexiconIsConsistent(t *testing.T) {
	known := make(map[string]bool)
	for _, tl := range DemoTalents() {
		for _, s := range tl.Skills {
			known[s] = true
		}
	}
	seen := make(map[string]int)
	written := make(map[string]int) // a written line's fragments, sorted
	ps := lexicon()
	if len(ps) < 500 {
		t.Errorf("lexicon has %d phrases; it is meant to cover the domain broadly", len(ps))
	}
	for i, p := range ps {
		for _, s := range p.skills {
			if !known[s] {
				t.Errorf("%q: skill %q is listed by no professional of the demo pool", p.text, s)
			}
		}
		for _, c := range p.categories {
			if categoryRank(c) == len(categories) {
				t.Errorf("%q: unknown field %q", p.text, c)
			}
		}
		k := strings.Join(p.fragments, " ")
		if j, dup := seen[k]; dup {
			t.Errorf("%q repeats %q", p.text, ps[j].text)
		}
		seen[k] = i
		// A line matches its words in any order (電話 注文 is 注文 電話),
		// so one written again in another order would count twice.
		if !strings.Contains(p.text, "@") {
			k := strings.Join(slices.Sorted(slices.Values(p.fragments)), " ")
			if j, dup := written[k]; dup {
				t.Errorf("%q repeats %q in another order", p.text, ps[j].text)
			}
			written[k] = i
		}
		for _, f := range p.fragments {
			// A one-character fragment matches too much unless it is a kanji.
			if utf8.RuneCountInString(f) < 2 && !isKanji(f) {
				t.Errorf("%q: fragment %q is too short", p.text, f)
			}
		}
	}
}

func TestParseLexiconErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"インスタ\tInstagram運用", "line 1: want 3 or 4 tab-separated columns"},
		{"# comment\n\nインスタ\tInstagram運用\tmarketing\t2", `line 3: weight "2" must be`},
		{"インスタ\tInstagram運用\t", `line 1: "インスタ" names skills but no field`},
		{" \tInstagram運用\tmarketing", "line 1: empty phrase"},
		{"@お金\t", "line 1: a word group is"},
		{"@お金\tお金\n@お金\t現金", "line 2: word group @お金 is defined twice"},
		{"@お金 @苦しい\t資金繰り改善\tfinance", "line 1: word group @お金 is not defined above"},
	} {
		if _, err := parseLexicon(c.in); err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("parseLexicon(%q) = %v, want an error starting %q", c.in, err, c.want)
		}
	}
}

// The examples of the issue, and the everyday words of each field, reach
// the professional word.
func TestLexiconUnderstandsOwners(t *testing.T) {
	ix := demoIndex()
	for _, c := range []struct{ text, skill string }{
		{"グーグルマップで店が出てこない", "MEO対策"},
		{"地図に出てこないんです", "MEO対策"},
		{"口約束で仕事を受けている", "契約書作成"},
		{"後継ぎがいない", "事業承継"},
		{"インスタを始めたい", "Instagram運用"},
		{"いんすたのふぉろわーを増やしたい", "Instagram運用"},
		{"求人を出しても応募がない", "採用戦略"},
		{"補助金の申請書が書けない", "補助金申請"},
		{"フェリーの運賃が高い", "物流コスト削減"},
		{"黒糖焼酎を台湾に輸出したい", "輸出支援"},
		{"大島紬の名前を真似されないようにしたい", "商標登録"},
		{"民宿の予約を電話で受けていてダブルブッキングする", "予約システム導入"},
		{"たんかんのジャムの賞味期限を延ばしたい", "賞味期限延長"},
		{"鶏飯の新メニューを考えたい", "新メニュー開発"},
		{"外国人観光客に来てほしい", "インバウンド集客"},
		{"お土産のパッケージが古臭い", "パッケージデザイン"},
		{"毎月の資金繰りが苦しい", "資金繰り改善"},
		{"仕入れの支払いが追いつかない", "資金繰り改善"},
		{"利息ばかりで元金が減らない", "資金繰り改善"},
		{"冷蔵庫を買い替える大金がない", "資金調達"},
		{"運転手が集まらない", "採用戦略"},
		{"うちの屋号をパクられた", "商標登録"},
		{"手書きの伝票を転記している", "受発注システム"},
		{"スタッフがすぐ辞めてしまう", "定着率改善"},
		{"会社のこれからの方向性を決めたい", "経営戦略立案"},
		{"I want to sell on Amazon", "Amazon出品"},
	} {
		r := ix.Search(c.text, 5)
		if !slices.Contains(r.Skills, c.skill) {
			t.Errorf("Search(%q) understood %v, want %q among them", c.text, r.Skills, c.skill)
		}
	}
}

// TestLexiconAdditions: rows staff accept (amamibot import lexicon) teach
// an index words the shipped lexicon lacks, may use its word groups, and
// are refused with their own line number when malformed.
func TestLexiconAdditions(t *testing.T) {
	const text = "てぃーだ便の手配で毎月頭を抱えています"
	if r := demoIndex().Search(text, 5); r.Confident {
		t.Fatalf("the shipped lexicon already knows %q (%v): pick a word it lacks", text, r.Categories)
	}
	lex, err := ParseLexicon("# accepted 2026-12-01\nてぃーだ便 手配\t配送網設計;物流コスト削減\tlogistics\n@お金 てぃーだ\t資金繰り改善\tfinance\t0.5\n")
	if err != nil {
		t.Fatalf("ParseLexicon: %v", err)
	}
	r := lex.NewIndex(DemoTalents()).Search(text, 5)
	if !r.Confident || len(r.Candidates) == 0 || r.Candidates[0].Talent.Categories[0] != "logistics" {
		t.Errorf("with the addition, %q gives %+v; want a confident search led by logistics", text, r.Categories)
	}
	for _, bad := range []string{"\nてぃーだ便\t配送網設計\n", "ok\t\t\n@ない てぃーだ\t資金繰り改善\tfinance\n"} {
		if _, err := ParseLexicon(bad); err == nil || !strings.HasPrefix(err.Error(), "line 2:") {
			t.Errorf("ParseLexicon(%q) = %v, want an error naming line 2", bad, err)
		}
	}
}
