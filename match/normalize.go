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
//   - dashes written after katakana become the long-vowel mark ー, and the
//     ー ending a kana word of three or more morae is dropped, the way JIS
//     writes technical terms (サーバー and サーバ, フォロワー and フォロワ); a
//     word ends where the script changes.
//
// The result is still readable Japanese, so kagome can tokenise it; kana folds
// on top of it (see fold).
func normalize(s string) string {
	s = norm.NFKC.String(s)
	s = strings.ToLower(s)
	var b strings.Builder
	b.Grow(len(s))
	run, script := 0, noKana // length and script of the kana word ending here
	for i, r := range s {
		if isDash(r) && script == katakana {
			r = 'ー'
		}
		if r == 'ー' && run >= 3 && kanaScript(nextRune(s, i+utf8.RuneLen(r))) != script {
			run, script = 0, noKana
			continue
		}
		switch k := kanaScript(r); {
		case r == 'ー' && script != noKana, k != noKana && k == script:
			run++
		case k != noKana:
			run, script = 1, k
		default:
			run, script = 0, noKana
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

// matchKey is the form in which lexicon phrases are found in normalised
// text: kana folded and favours written one way.
func matchKey(s string) string { return foldFavours(fold(s)) }

// foldFavours writes a favour asked or received one way, so that one lexicon
// phrase covers them all: 「置いてくれる」「置いてもらいたい」「置いてもらえれば」
// become 「置いてもら」, and 「置いてくれない」「置いてもらえません」 become
// 「置いてもらな」 (a favour not done is another complaint: 「来てくれない」
// customers are a marketing problem, 「来てもらいたい」 visitors a tourism one).
func foldFavours(s string) string {
	if !strings.Contains(s, "くれ") && !strings.Contains(s, "もら") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		rest := s[i:]
		if (strings.HasPrefix(rest, "て") || strings.HasPrefix(rest, "で")) && len(rest) > 3 {
			if v := rest[3:]; strings.HasPrefix(v, "くれ") || strings.HasPrefix(v, "もら") {
				b.WriteString(rest[:3] + "もら")
				i += 3 + len("もら")
				for i < len(s) {
					r, n := utf8.DecodeRuneInString(s[i:])
					if r == 'な' || r == 'ん' { // not done: a different complaint
						b.WriteRune('な')
						i += n
						break
					}
					if !strings.ContainsRune(favourEndings, r) {
						break
					}
					i += n
				}
				continue
			}
		}
		_, n := utf8.DecodeRuneInString(rest)
		b.WriteString(rest[:n])
		i += n
	}
	return b.String()
}

// favourEndings are the kana that inflect くれる and もらう (もらえます,
// もらいたい, くれれば), short of the negative ない and ません.
const favourEndings = "えいうるたっわおれますせよ"

type kana int

const (
	noKana kana = iota
	hiragana
	katakana
)

// kanaScript tells hiragana from katakana; the long-vowel mark is neither,
// it belongs to the word it follows.
func kanaScript(r rune) kana {
	switch {
	case r == 'ー':
		return noKana
	case unicode.Is(unicode.Hiragana, r):
		return hiragana
	case unicode.Is(unicode.Katakana, r):
		return katakana
	}
	return noKana
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
