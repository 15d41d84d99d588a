package match

import (
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ikawaha/kagome-dict/ipa"
	"github.com/ikawaha/kagome/v2/tokenizer"
)

// The IPA dictionary takes about a second and 150 MB to load, so the process
// loads it once, on first use, and every index shares it.
var (
	kagome   = sync.OnceValue(loadKagome)
	loadTime time.Duration
)

func loadKagome() *tokenizer.Tokenizer {
	start := time.Now()
	t, err := tokenizer.New(ipa.Dict(), tokenizer.OmitBosEos())
	if err != nil {
		panic("match: loading the kagome IPA dictionary: " + err.Error())
	}
	loadTime = time.Since(start)
	return t
}

// LoadTokenizer loads kagome's dictionary now rather than on the first index
// build or search, so that the first owner does not wait for it, and returns
// how long the load took (once per process, whenever it happened): a server
// calls it at start-up and can log the figure.
func LoadTokenizer() time.Duration {
	kagome()
	return loadTime
}

// A word is a content word of a text: its key for matching and its base
// form as written, to quote back to the owner.
type word struct{ key, surface string }

// words returns the content words of normalised text: the base forms of
// nouns, verbs, adjectives and unknown words. Particles, auxiliaries (ない,
// たい, た), numbers and the light words in stopWords are left out: they occur
// in nearly every text and would make everything match.
func words(text string) []word {
	var out []word
	for _, t := range kagome().Tokenize(text) {
		if w, ok := contentWord(t); ok {
			out = append(out, word{key: fold(w), surface: w})
		}
	}
	return out
}

// contentWord returns the base form of t if it is a content word worth
// indexing; the form is not folded.
func contentWord(t tokenizer.Token) (string, bool) {
	pos := t.POS()
	if len(pos) == 0 {
		return "", false
	}
	switch pos[0] {
	case "名詞":
		if len(pos) > 1 {
			switch pos[1] {
			case "数", "非自立", "代名詞", "接尾", "副詞可能", "特殊":
				return "", false
			}
		}
	case "動詞", "形容詞":
		if len(pos) > 1 && pos[1] != "自立" {
			return "", false
		}
	case "接頭詞", "副詞", "連体詞", "接続詞", "感動詞":
		return "", false
	default: // 助詞, 助動詞, 記号, フィラー, その他
		if t.Class != tokenizer.UNKNOWN {
			return "", false
		}
	}
	w, ok := t.BaseForm()
	if !ok || w == "" || w == "*" {
		w = t.Surface
	}
	if stopWords[fold(w)] || !hasLetter(w) || utf8.RuneCountInString(w) < 2 && !isKanji(w) {
		return "", false
	}
	return w, true
}

// stopWords are content words that say nothing about which professional an
// owner needs: light verbs, words of wanting and worrying, and vague nouns.
var stopWords = foldSet(`
する ある いる なる できる 出来る いう 言う 思う 考える くる 来る 行く いく おる やる
わかる 分かる もらう くれる あげる みる 見る 困る 悩む 欲しい ほしい 良い よい いい
ない 無い 知る 教える 探す 始める 続ける 頑張る 助ける 手伝う 願う 頼む 聞く
こと 事 もの 物 ため 為 よう 方 ところ 所 感じ 状態 状況 場合 自分 自社 当社 うち 私 僕 弊社
今 最近 毎日 毎月 毎年 いつも 全然 全く とても すごく かなり 問題 課題 悩み 必要 相談 希望
方法 やり方 仕方 何 誰 どこ いつ なぜ 人 者 様 さん 中 的 ・ お願い 件 点 気 今後 これから
`)

func foldSet(list string) map[string]bool {
	set := make(map[string]bool)
	for _, w := range strings.Fields(list) {
		set[fold(normalize(w))] = true
	}
	return set
}

func isKanji(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return s != ""
}

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}
