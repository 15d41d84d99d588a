package match

import (
	"slices"
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"ＳＮＳ集客", "sns集客"},      // full-width ASCII, upper case
		{"ﾈｯﾄｼｮｯﾌﾟ", "ネットショップ"}, // half-width katakana
		{"ﾎｰﾑﾍﾟｰｼﾞ", "ホームページ"},  // half-width long vowels
		{"サーバー", "サーバ"},         // trailing long vowel of a long word
		{"フォロワーが増えない", "フォロワが増えない"},
		{"コピー", "コピー"},       // short words keep theirs
		{"ビール", "ビール"},       // only trailing marks go
		{"カ-ド", "カード"},       // a dash after katakana is a long vowel
		{"10-20人", "10-20人"}, // elsewhere it stays a dash
		{"ｻｰﾊﾞｰ移行", "サーバ移行"},
		{"Ｅｃサイト", "ecサイト"},
		{"", ""},
	} {
		if got := normalize(c.in); got != c.want {
			t.Errorf("normalize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// Owners type the same word in either kana and with or without the long
// vowel; the matching key must not care.
func TestKeyFoldsVariants(t *testing.T) {
	for _, group := range [][]string{
		{"インスタ", "いんすた", "ｲﾝｽﾀ"},
		{"サーバー", "サーバ", "さーばー"},
		{"ホームページ", "ほーむぺーじ", "ﾎｰﾑﾍﾟｰｼﾞ"},
		{"SNS", "sns", "ＳＮＳ"},
	} {
		for _, v := range group[1:] {
			if key(v) != key(group[0]) {
				t.Errorf("key(%q) = %q, key(%q) = %q; want equal", v, key(v), group[0], key(group[0]))
			}
		}
	}
}

// A favour asked or received is one phrase however it is put, and a favour
// not done is another.
func TestKeyFoldsFavours(t *testing.T) {
	for _, text := range []string{"店に置いてくれる", "置いてもらいたい", "置いてもらえれば", "置いてくれれば嬉しい"} {
		if k := key(text); !strings.Contains(k, key("置いてもら")) || strings.Contains(k, key("置いてくれな")) {
			t.Errorf("key(%q) = %q, want it to hold 置いてもら and not 置いてくれな", text, k)
		}
	}
	for _, text := range []string{"置いてくれない", "置いてもらえません", "置いてくれん"} {
		if k := key(text); !strings.Contains(k, key("置いてくれな")) {
			t.Errorf("key(%q) = %q, want it to hold 置いてくれな", text, k)
		}
	}
}

// Folding must keep byte offsets: matches found in the folded text are
// quoted from the unfolded one.
func TestFoldKeepsLength(t *testing.T) {
	for _, s := range []string{"インスタグラム", "ヴィーガン対応のカフェ", "ヶ月", "abc"} {
		if len(fold(s)) != len(s) {
			t.Errorf("len(fold(%q)) = %d, want %d", s, len(fold(s)), len(s))
		}
	}
}

func TestWordsDropsFunctionWords(t *testing.T) {
	var got []string
	for _, w := range words(normalize("求人を出しても若い人の応募がまったく来ない")) {
		got = append(got, w.key)
	}
	for _, w := range got {
		switch w {
		case "ない", "たい", "た", "しても", "する", "来る", "の", "を":
			t.Errorf("words kept the function word %q: %q", w, got)
		}
	}
	for _, want := range []string{"求人", "応募"} {
		if !slices.Contains(got, want) {
			t.Errorf("words dropped %q: %q", want, got)
		}
	}
}
