package match

import (
	"cmp"
	"maps"
	"math"
	"slices"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// bigramIndex is the baseline the matcher is measured against: plain BM25
// over character bigrams of the whole profile, which is what pg_bigm or a
// CJK analyser would give without a lexicon.
type bigramIndex struct {
	talents  []Talent
	postings map[string][]bigramPosting
	length   []float64
	avgLen   float64
}

type bigramPosting struct {
	doc int32
	tf  float64
}

func newBigramIndex(talents []Talent) *bigramIndex {
	bx := &bigramIndex{talents: talents, postings: make(map[string][]bigramPosting), length: make([]float64, len(talents))}
	for i, t := range talents {
		grams := bigrams(strings.Join(t.Skills, " ") + " " + t.Headline + " " + t.Bio)
		tf := make(map[string]float64)
		for _, g := range grams {
			tf[g]++
		}
		for _, g := range slices.Sorted(maps.Keys(tf)) {
			bx.postings[g] = append(bx.postings[g], bigramPosting{int32(i), tf[g]})
		}
		bx.length[i] = float64(len(grams))
		bx.avgLen += float64(len(grams))
	}
	bx.avgLen /= float64(max(1, len(talents)))
	return bx
}

// bigrams returns the overlapping two-character strings of text, after NFKC
// and lower-casing, skipping spaces.
func bigrams(text string) []string {
	var rs []rune
	for _, r := range strings.ToLower(norm.NFKC.String(text)) {
		if r != ' ' && r != '\u3000' {
			rs = append(rs, r)
		}
	}
	var out []string
	for i := 0; i+1 < len(rs); i++ {
		out = append(out, string(rs[i:i+2]))
	}
	return out
}

func (bx *bigramIndex) search(text string, k int) []int32 {
	const k1, b = 1.2, 0.75
	n := float64(len(bx.talents))
	score := make(map[int32]float64)
	seen := make(map[string]bool)
	for _, g := range bigrams(text) {
		if seen[g] {
			continue
		}
		seen[g] = true
		ps := bx.postings[g]
		idf := math.Log(1 + (n-float64(len(ps))+0.5)/(float64(len(ps))+0.5))
		for _, p := range ps {
			score[p.doc] += idf * p.tf * (k1 + 1) / (p.tf + k1*(1-b+b*bx.length[p.doc]/bx.avgLen))
		}
	}
	docs := make([]int32, 0, len(score))
	for d := range score {
		docs = append(docs, d)
	}
	slices.SortFunc(docs, func(a, b int32) int { return cmp.Or(cmp.Compare(score[b], score[a]), cmp.Compare(a, b)) })
	return docs[:min(k, len(docs))]
}

func (bx *bigramIndex) searchIDs(q evalQuery) []string {
	var ids []string
	for _, d := range bx.search(q.Text, 5) {
		ids = append(ids, bx.talents[d].ID)
	}
	return ids
}
