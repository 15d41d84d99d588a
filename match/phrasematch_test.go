package match

import (
	"slices"
	"testing"
)

func TestMatcher(t *testing.T) {
	m := newMatcher([]phrase{
		{text: "広告", fragments: []string{key("広告")}, categories: []string{"marketing"}},
		{text: "求人広告", fragments: []string{key("求人広告")}, categories: []string{"hr"}},
		{text: "インスタ", fragments: []string{key("インスタ")}, categories: []string{"marketing"}},
		{text: "インスタント", fragments: []string{key("インスタント")}}, // a blocker: no skills, no fields
		{text: "観光", fragments: []string{key("観光")}, categories: []string{"tourism"}},
		{text: "観光客", fragments: []string{key("観光客")}, categories: []string{"tourism"}},
		{text: "冬 客", fragments: []string{key("冬"), key("客")}, categories: []string{"tourism"}},
		{text: "お客", fragments: []string{key("お客")}, categories: []string{"tourism"}},
		{text: "展示会", fragments: []string{key("展示会")}, categories: []string{"sales"}},
		{text: "海外 展示会", fragments: []string{key("海外"), key("展示会")}, categories: []string{"overseas"}},
		{text: "地図 出てこ", fragments: []string{key("地図"), key("出てこ")}, categories: []string{"marketing"}},
		{text: "seo", fragments: []string{key("seo")}, categories: []string{"marketing"}},
	})

	for _, c := range []struct {
		text string
		want []string
	}{
		{"求人広告を出した", []string{"求人広告"}},          // 広告 of another field inside
		{"インスタントラーメン", nil},                     // blocked
		{"いんすたを始めた", []string{"インスタ"}},          // kana folded
		{"観光客が来ない", []string{"観光客"}},            // 観光 inside 観光客 does not count again
		{"冬になるとお客さんが減る", []string{"冬 客", "お客"}}, // 客 inside お客 is still a customer
		{"海外の展示会に出たい", []string{"海外 展示会"}},      // the more specific phrase wins
		{"地図アプリに出てこない", []string{"地図 出てこ"}},     // fragments in any order, one sentence
		{"地図は見ました。店が出てこない", nil},                // but not across sentences
		{"SEOを頑張りたい", []string{"seo"}},
		{"seoulで店を出す", nil}, // not inside a Latin word
	} {
		var got []string
		for _, h := range m.match(key(c.text)) {
			got = append(got, h.phrase.text)
		}
		slices.Sort(got)
		slices.Sort(c.want)
		if !slices.Equal(got, c.want) {
			t.Errorf("match(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}
