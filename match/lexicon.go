package match

import (
	_ "embed"
	"fmt"
	"slices"
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

// A Lexicon is the shipped lexicon.tsv with rows accepted since, which
// staff import (amamibot lexicon suggest proposes them) so that they apply
// without a new build: Lexicon.NewIndex builds an index that knows them.
type Lexicon struct{ phrases []phrase }

// ParseLexicon returns the shipped lexicon with additions, rows in its
// format (they may use its word groups). An error names the additions'
// line.
func ParseLexicon(additions string) (*Lexicon, error) {
	lp := newLexParser()
	if err := lp.parse(lexiconTSV); err != nil {
		panic("match: lexicon.tsv: " + err.Error())
	}
	if err := lp.parse(additions); err != nil {
		return nil, err
	}
	return &Lexicon{phrases: lp.phrases}, nil
}

// parseLexicon parses the lexicon format described at the top of lexicon.tsv.
func parseLexicon(src string) ([]phrase, error) {
	lp := newLexParser()
	err := lp.parse(src)
	return lp.phrases, err
}

// lexParser reads lexicon lines, one source after another: a later source
// may use the word groups of an earlier one.
type lexParser struct {
	phrases []phrase
	groups  map[string][]string // @name → its words, in key form
	seen    map[string]bool     // fragments of the phrases so far
}

func newLexParser() *lexParser {
	return &lexParser{groups: make(map[string][]string), seen: make(map[string]bool)}
}

func (lp *lexParser) parse(src string) error {
	groups, seen := lp.groups, lp.seen
	for n, line := range strings.Split(src, "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if name, ok := strings.CutPrefix(cols[0], "@"); ok && len(cols) == 2 {
			if name == "" || strings.ContainsAny(name, " @") || len(strings.Fields(cols[1])) == 0 {
				return fmt.Errorf("line %d: a word group is @name, a tab and its words separated by spaces", n+1)
			}
			if groups[name] != nil {
				return fmt.Errorf("line %d: word group @%s is defined twice", n+1, name)
			}
			for _, w := range strings.Fields(cols[1]) {
				groups[name] = append(groups[name], key(w))
			}
			continue
		}
		if len(cols) < 3 || len(cols) > 4 {
			return fmt.Errorf("line %d: want 3 or 4 tab-separated columns, got %d", n+1, len(cols))
		}
		p := phrase{
			text:       strings.TrimSpace(cols[0]),
			skills:     splitList(cols[1]),
			categories: splitList(cols[2]),
			weight:     1,
		}
		if len(cols) == 4 {
			w, err := strconv.ParseFloat(strings.TrimSpace(cols[3]), 64)
			if err != nil || w <= 0 || w > 1 {
				return fmt.Errorf("line %d: weight %q must be a number above 0 and at most 1", n+1, cols[3])
			}
			p.weight = w
		}
		if len(p.skills) > 0 && len(p.categories) == 0 {
			return fmt.Errorf("line %d: %q names skills but no field", n+1, p.text)
		}
		// Each choice of one word per group is a phrase of its own; a
		// combination an earlier line already has keeps that line's meaning.
		combos := [][]string{nil}
		for _, f := range strings.Fields(p.text) {
			alts := []string{key(f)}
			if name, ok := strings.CutPrefix(f, "@"); ok {
				if alts = groups[name]; alts == nil {
					return fmt.Errorf("line %d: word group @%s is not defined above", n+1, name)
				}
			}
			var next [][]string
			for _, c := range combos {
				for _, a := range alts {
					next = append(next, append(slices.Clone(c), a))
				}
			}
			combos = next
		}
		if len(combos[0]) == 0 {
			return fmt.Errorf("line %d: empty phrase", n+1)
		}
		for _, frags := range combos {
			k := strings.Join(frags, " ")
			if len(combos) > 1 && seen[k] {
				continue
			}
			seen[k] = true
			q := p
			q.fragments = frags
			lp.phrases = append(lp.phrases, q)
		}
	}
	return nil
}

// key is the form in which text is compared: normalised, kana-folded and
// with favours written one way (see matchKey).
func key(s string) string { return matchKey(normalize(s)) }
