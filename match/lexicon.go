package match

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// lexicon.tsv maps the everyday words owners use for a problem to the skills
// and fields of the professionals who solve it. It is data, not code, so that
// programme staff can review and extend it; its header explains the format.
//
//go:embed lexicon.tsv
var lexiconTSV string

// A phrase is one line of the lexicon: when all its fragments occur in one
// sentence of an owner's text, the owner is probably asking for its skills.
type phrase struct {
	text       string   // as written in the lexicon
	fragments  []string // normalised and folded (see key)
	skills     []string
	categories []string // main field first
	weight     float64  // below 1: a weak hint that alone does not make a search confident
}

// blocker reports whether the phrase exists only to hide the shorter phrases
// inside it (インスタント hides インスタ).
func (p *phrase) blocker() bool { return len(p.skills) == 0 && len(p.categories) == 0 }

// lexicon returns the shipped lexicon, parsed once.
var lexicon = sync.OnceValue(func() []phrase {
	ps, err := parseLexicon(lexiconTSV)
	if err != nil {
		panic("match: lexicon.tsv: " + err.Error()) // embedded and tested, so a bug
	}
	return ps
})

// parseLexicon parses the lexicon format described at the top of lexicon.tsv.
func parseLexicon(src string) ([]phrase, error) {
	var ps []phrase
	for n, line := range strings.Split(src, "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) < 3 || len(cols) > 4 {
			return nil, fmt.Errorf("line %d: want 3 or 4 tab-separated columns, got %d", n+1, len(cols))
		}
		p := phrase{
			text:       strings.TrimSpace(cols[0]),
			skills:     splitList(cols[1]),
			categories: splitList(cols[2]),
			weight:     1,
		}
		for _, f := range strings.Fields(p.text) {
			p.fragments = append(p.fragments, key(f))
		}
		if len(p.fragments) == 0 {
			return nil, fmt.Errorf("line %d: empty phrase", n+1)
		}
		if len(cols) == 4 {
			w, err := strconv.ParseFloat(strings.TrimSpace(cols[3]), 64)
			if err != nil || w <= 0 || w > 1 {
				return nil, fmt.Errorf("line %d: weight %q must be a number above 0 and at most 1", n+1, cols[3])
			}
			p.weight = w
		}
		if len(p.skills) > 0 && len(p.categories) == 0 {
			return nil, fmt.Errorf("line %d: %q names skills but no field", n+1, p.text)
		}
		ps = append(ps, p)
	}
	return ps, nil
}

// key is the form in which text is compared: normalised and kana-folded.
func key(s string) string { return fold(normalize(s)) }
