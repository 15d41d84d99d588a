package match

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// normalize folds the spelling variants that owners and profiles use for the
// same word, so that one comparison covers them all:
//
//   - NFKC: half-width katakana (ﾈｯﾄ), full-width ASCII (ＳＮＳ) and
//     compatibility characters become their plain forms;
//   - lower case: SNS, sns and Ｓｎｓ are one word;
//   - dashes written after katakana become the long-vowel mark ー, and a
//     trailing ー on a katakana word of three or more morae is dropped, the way
//     JIS writes technical terms (サーバー and サーバ, フォロワー and フォロワ).
//
// The result is still readable Japanese, so kagome can tokenise it; kana folds
// on top of it (see fold).
func normalize(s string) string {
	s = norm.NFKC.String(s)
	s = strings.ToLower(s)
	var b strings.Builder
	b.Grow(len(s))
	run := 0 // length in runes of the katakana word ending at the current rune
	for i, r := range s {
		if isDash(r) && run > 0 {
			r = 'ー'
		}
		if r == 'ー' && run >= 3 && !isKatakanaOrMark(nextRune(s, i+utf8.RuneLen(r))) {
			run = 0
			continue
		}
		if isKatakanaOrMark(r) {
			run++
		} else {
			run = 0
		}
		b.WriteRune(r)
	}
	return b.String()
}

// fold maps katakana to hiragana, so that a word typed in either script
// (インスタ, いんすた) compares equal. It is applied to already normalised text
// and used only for matching, never shown.
func fold(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'ァ' && r <= 'ヶ' {
			return r - 'ァ' + 'ぁ'
		}
		return r
	}, s)
}

func isKatakanaOrMark(r rune) bool {
	return unicode.Is(unicode.Katakana, r) || r == 'ー'
}

// isDash reports whether r is one of the dashes people type instead of ー.
func isDash(r rune) bool {
	switch r {
	case '-', '‐', '‑', '–', '—', '―', '−':
		return true
	}
	return false
}

func nextRune(s string, i int) rune {
	if i >= len(s) {
		return utf8.RuneError
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return r
}
