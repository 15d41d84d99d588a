package understand

import (
	_ "embed"
	"math"
	"strings"
	"sync"
	"unicode/utf8"
)

// concepts.tsv groups words that mean the same thing for the FAQ; its
// header explains the format.
//
//go:embed concepts.tsv
var conceptsTSV string

// A concept table maps a word (in key form) to its group's name, the group's
// first word.
type conceptTable struct {
	group   map[string]string
	members []string // every word, for finding those kagome splits (連れて行く)
}

var concepts = sync.OnceValue(func() conceptTable {
	ct := conceptTable{group: make(map[string]string)}
	for _, line := range strings.Split(conceptsTSV, "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		words := strings.Fields(line)
		for _, w := range words {
			k := key(w)
			if _, dup := ct.group[k]; !dup {
				ct.group[k] = "#" + key(words[0])
				ct.members = append(ct.members, k)
			}
		}
	}
	return ct
})

// faqStopWords are content words that occur in questions about anything.
var faqStopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`する ある いる なる できる 出来る いう 言う 思う くる 来る 行く いく
		もらう くれる みる 見る 良い よい いい ない 無い 知る 教える 聞く 分かる わかる
		こと もの ため よう 方 ところ 感じ 何 なに 誰 どこ いつ 人 様 さん 中 的 お願い
		セミナー 大丈夫 可能 ok 参加 当日`) {
		faqStopWords[key(w)] = true
	}
}

// features returns the words of text that say what it is about, with words
// of one concept replaced by the concept's name.
func features(text string) map[string]bool {
	c := clean(text)
	k := matchForm(c)
	ct := concepts()
	f := make(map[string]bool)
	for _, w := range contentWords(c) {
		w = spellings.Replace(w)
		if faqStopWords[w] {
			continue
		}
		if g, ok := ct.group[w]; ok {
			w = g
		}
		f[w] = true
	}
	for _, m := range ct.members {
		// Words of three runes or more are found inside others' text too
		// (連れて行く, 停める); shorter ones only as kagome's words, or they
		// would be found everywhere.
		if utf8.RuneCountInString(m) >= 3 && strings.Contains(k, m) {
			f[ct.group[m]] = true
		}
	}
	return f
}

// An FAQEntry is one question staff can answer, with example phrasings.
type FAQEntry struct {
	ID        string
	Questions []string
	Answer    string
}

// An FAQIndex finds the entry that answers a question by meaning: words of
// one concept (子ども, 託児, キッズ) count as the same word, and rare words count
// more than common ones.
type FAQIndex struct {
	entries  []FAQEntry
	examples []faqExample
	idf      map[string]float64
}

type faqExample struct {
	entry    int
	features map[string]bool
	norm     float64 // square root of the sum of its features' idf
	weight   float64 // how much a match with it counts (answers count less than questions)
}

// MinFAQScore is the score from which Best finds an entry close enough.
const MinFAQScore = 0.35

// NewFAQIndex indexes entries' example questions and answers.
func NewFAQIndex(entries []FAQEntry) *FAQIndex {
	ix := &FAQIndex{entries: entries, idf: make(map[string]float64)}
	df := make(map[string]int)
	for i, e := range entries {
		seen := make(map[string]bool)
		for _, q := range e.Questions {
			ix.examples = append(ix.examples, faqExample{entry: i, features: features(q), weight: 1})
		}
		ix.examples = append(ix.examples, faqExample{entry: i, features: features(e.Answer), weight: 0.8})
		for _, ex := range ix.examples {
			if ex.entry != i {
				continue
			}
			for f := range ex.features {
				if !seen[f] {
					seen[f] = true
					df[f]++
				}
			}
		}
	}
	n := float64(len(entries))
	for f, d := range df {
		ix.idf[f] = math.Log(1 + n/float64(d))
	}
	for i := range ix.examples {
		ix.examples[i].norm = math.Sqrt(ix.weigh(ix.examples[i].features))
	}
	return ix
}

// weigh sums the idf of features; a word no entry uses weighs as the rarest.
func (ix *FAQIndex) weigh(fs map[string]bool) float64 {
	sum := 0.0
	for f := range fs {
		sum += ix.termIDF(f)
	}
	return sum
}

func (ix *FAQIndex) termIDF(f string) float64 {
	if w, ok := ix.idf[f]; ok {
		return w
	}
	return math.Log(1 + float64(len(ix.entries)))
}

// Best returns the entry that answers q and a score from 0 to 1; ok=false
// when none is close enough.
func (ix *FAQIndex) Best(q string) (e FAQEntry, score float64, ok bool) {
	qf := features(q)
	qn := math.Sqrt(ix.weigh(qf))
	if qn == 0 {
		return FAQEntry{}, 0, false
	}
	best := -1
	for _, ex := range ix.examples {
		if ex.norm == 0 {
			continue
		}
		shared := 0.0
		for f := range qf {
			if ex.features[f] {
				shared += ix.termIDF(f)
			}
		}
		s := ex.weight * shared / (qn * ex.norm)
		if s > score {
			score, best = s, ex.entry
		}
	}
	if best < 0 || score < MinFAQScore {
		return FAQEntry{}, score, false
	}
	return ix.entries[best], score, true
}
