package understand

import (
	"strings"
	"sync"
	"unicode"

	"github.com/ikawaha/kagome-dict/ipa"
	"github.com/ikawaha/kagome/v2/tokenizer"
	"golang.org/x/text/unicode/norm"
)

// maxRunes caps the text that is analysed: what people mean is said in the
// first lines, and a 5,000-character paste must stay as fast as a short
// message.
const maxRunes = 200

// kagome is this package's tokenizer. ipa.Dict() loads the dictionary once per
// process, so it shares the dictionary with the match package's tokenizer:
// the second tokenizer costs a few kilobytes, not another copy of the dictionary.
var kagome = sync.OnceValue(func() *tokenizer.Tokenizer {
	t, err := tokenizer.New(ipa.Dict(), tokenizer.OmitBosEos())
	if err != nil {
		panic("understand: loading the kagome IPA dictionary: " + err.Error())
	}
	return t
})

// ContainsAny reports whether s contains any of words.
func ContainsAny(s string, words ...string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// clean returns text tidied (see tidy) and in lower case: the form that is
// read.
func clean(text string) string { return strings.ToLower(tidy(text)) }

// tidy returns text in NFKC form (full-width digits and letters become
// ASCII, half-width kana full-width), with dashes after katakana folded to
// ー, runs of spaces collapsed, and cut to maxRunes. Its case is kept, for
// the values a person gives (「Amami Design」).
func tidy(text string) string {
	n := 0
	for i := range text {
		if n == maxRunes {
			text = text[:i]
			break
		}
		n++
	}
	text = norm.NFKC.String(strings.ToValidUTF8(text, ""))
	var b strings.Builder
	b.Grow(len(text))
	prevKata, prevSpace := false, true
	for _, r := range text {
		switch {
		case unicode.IsSpace(r):
			if !prevSpace {
				b.WriteByte(' ')
			}
			prevSpace = true
			continue
		case isDash(r) && prevKata:
			r = 'ー'
		case r == '〜' || r == '~':
			r = 'ー'
		}
		prevSpace = false
		prevKata = unicode.Is(unicode.Katakana, r) || r == 'ー'
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}

// fold maps katakana to hiragana, so that キャンセル and きゃんせる compare
// equal. Both scripts take three bytes a rune in UTF-8, so byte offsets in
// the folded text are those of the unfolded one.
func fold(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'ァ' && r <= 'ヶ' {
			return r - 'ァ' + 'ぁ'
		}
		return r
	}, s)
}

// key is the form phrases and texts are compared in.
func key(s string) string { return matchForm(clean(s)) }

// matchForm folds cleaned text to the form phrases are matched in: kana
// folded, and the common spellings of a few key words made one
// (申し込み, 申込み, 申込, もうしこみ → 申し込), so that the table lists
// each word once.
func matchForm(c string) string { return spellings.Replace(fold(unstretch(c))) }

// hesitations are the sounds of thinking it over, which stretched kana
// would fold into a yes (うーん → うん).
var hesitations = strings.NewReplacer("うーん", "…", "うーむ", "…", "ううーん", "…", "ええーと", "…", "ええー", "…", "えーと", "…")

// unstretch drops the long-vowel marks people stretch kana words with
// (おはよー, お願いしまーす, こんにちわ〜): after hiragana, ー is no spelling.
// Katakana words keep theirs (メニュー).
func unstretch(c string) string {
	if !strings.Contains(c, "ー") {
		return c
	}
	c = hesitations.Replace(c) // うーん is no うん
	var b strings.Builder
	b.Grow(len(c))
	prev := rune(0)
	for _, r := range c {
		if r == 'ー' && unicode.Is(unicode.Hiragana, prev) {
			continue // prev stays the kana, so おはよーー loses both
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

var spellings = strings.NewReplacer(
	"申し込み", "申し込", "申込み", "申し込", "申込", "申し込", "申しこみ", "申し込", "申しこ", "申し込",
	"もうしこみ", "申し込", "もうしこ", "申し込",
	"取消", "取り消", "とりけし", "取り消し", "とり消", "取り消",
	"さんか", "参加", "よやく", "予約", "かくにん", "確認", "そうだん", "相談", "こべつ", "個別",
	"さくじょ", "削除", "けして", "消して", "けしと", "消しと", "せみなー", "せみなー", "せみな", "せみなー",
	"問合せ", "問い合わせ", "問合わせ", "問い合わせ",
)

func isDash(r rune) bool {
	switch r {
	case '-', '‐', '‑', '–', '—', '―', '−', 'ｰ':
		return true
	}
	return false
}

// contentWords returns the folded base forms of the nouns, verbs, adjectives
// and unknown words of cleaned text.
func contentWords(text string) []string {
	var out []string
	for _, t := range kagome().Tokenize(text) {
		pos := t.POS()
		if len(pos) == 0 {
			continue
		}
		switch pos[0] {
		case "名詞":
			if len(pos) > 1 {
				switch pos[1] {
				case "数", "非自立", "代名詞", "接尾", "特殊":
					continue
				}
			}
		case "動詞", "形容詞":
			if len(pos) > 1 && pos[1] != "自立" {
				continue
			}
		default:
			if t.Class != tokenizer.UNKNOWN {
				continue
			}
		}
		w, ok := t.BaseForm()
		if !ok || w == "" || w == "*" {
			w = t.Surface
		}
		if !hasLetter(w) {
			continue
		}
		out = append(out, fold(w))
	}
	return out
}

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// Load reads the dictionary and the phrase tables now rather than on the
// first message, which would otherwise wait for them (a few seconds). A
// server calls it before it takes requests; match shares the dictionary.
func Load() {
	kagome()
	index()
	concepts()
}
