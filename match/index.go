package match

import (
	"cmp"
	"maps"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// Scoring is BM25F (Robertson & Zaragoza): a term's frequency in each field of
// a profile is weighted and length-normalised per field, summed, then
// saturated once. Three kinds of term are indexed:
//
//   - skills, as whole names: the lexicon turns an owner's words into them;
//   - field codes, so that the main field of a profile counts more than a
//     second one;
//   - content words of the profile text, for what the lexicon does not know.
//
// The weights say what a profile is about: its skill list and headline are
// what the professional offers, the bio is background ("物流会社で…を担当"
// names a former employer, not a skill).
const (
	k1 = 1.2

	skillListWeight     = 1.0
	skillHeadlineWeight = 0.5
	skillBioWeight      = 0.2

	mainCategoryWeight  = 1.0
	otherCategoryWeight = 0.4

	wordSkillsWeight, wordSkillsB     = 1.0, 0.3
	wordHeadlineWeight, wordHeadlineB = 0.8, 0.5
	wordBioWeight, wordBioB           = 0.3, 0.75
)

// Index ranks the talents of a pool for an owner's problem text. It is
// immutable once built and safe for concurrent use; to follow a re-import,
// build a new one and swap it in.
type Index struct {
	talents []Talent // sorted by ID, so that ties go to the lower ID

	skills map[string][]posting // skill name → profiles
	cats   map[string][]posting // field code → profiles
	words  map[string][]posting // content word (key form) → profiles

	matcher *matcher  // the lexicon plus the skill names of the pool
	backoff backoff   // the field classifier, for what the lexicon misses (learned.go)
	scratch sync.Pool // *scratch, one per concurrent search
}

// A posting is a profile holding a term, with the term's BM25F weight in it
// (idf included), so that a search only multiplies and adds.
type posting struct {
	doc int32
	w   float32
}

// NewIndex builds an index over talents, whose IDs should be unique.
// Tokenising the profiles is most of the cost; it runs on all cores and
// remembers repeated clauses, which are common in profiles written from a
// template. The first call also loads kagome's dictionary (see
// LoadTokenizer).
func NewIndex(talents []Talent) *Index { return newIndex(talents, lexicon()) }

// NewIndex builds an index over talents that knows the lexicon's additions
// too (see the package-level NewIndex).
func (l *Lexicon) NewIndex(talents []Talent) *Index { return newIndex(talents, l.phrases) }

func newIndex(talents []Talent, lexicon []phrase) *Index {
	ix := &Index{talents: slices.Clone(talents)}
	slices.SortFunc(ix.talents, func(a, b Talent) int { return cmp.Compare(a.ID, b.ID) })
	n := len(ix.talents)
	ix.scratch.New = func() any { return &scratch{score: make([]float64, n)} }

	// Owners who know the professional word (補助金申請, Shopify) find it
	// directly: every skill of the pool is a phrase of its own.
	skillCategory := mainCategories(ix.talents)
	var skillPhrases []phrase
	for _, s := range slices.Sorted(maps.Keys(skillCategory)) {
		p := phrase{text: s, fragments: []string{key(s)}, skills: []string{s}, weight: 1}
		if c := skillCategory[s]; c != "" {
			p.categories = []string{c}
		}
		skillPhrases = append(skillPhrases, p)
	}
	ix.matcher = newMatcher(append(slices.Clone(lexicon), skillPhrases...))

	docs := analyseProfiles(ix.talents, newMatcher(skillPhrases))
	ix.skills = buildTerms(docs, func(d *profileTerms) map[string]float64 { return d.skills })
	ix.cats = buildTerms(docs, func(d *profileTerms) map[string]float64 { return d.cats })
	ix.words = buildTerms(docs, func(d *profileTerms) map[string]float64 { return d.words })
	ix.backoff = backoff{defaultModels(), learnedWeight, learnedSkillWeight, backoffGate}
	return ix
}

// Len returns the number of talents in the index.
func (ix *Index) Len() int { return len(ix.talents) }

// Talent returns the talent with the given ID.
func (ix *Index) Talent(id string) (Talent, bool) {
	i, ok := slices.BinarySearchFunc(ix.talents, id, func(t Talent, id string) int { return cmp.Compare(t.ID, id) })
	if !ok {
		return Talent{}, false
	}
	return ix.talents[i], true
}

// mainCategories maps each skill to the field most of its holders name first
// ("" when none of them names a field).
func mainCategories(talents []Talent) map[string]string {
	counts := make(map[string]map[string]int)
	for _, t := range talents {
		for _, s := range t.Skills {
			if counts[s] == nil {
				counts[s] = make(map[string]int)
			}
			if len(t.Categories) > 0 {
				counts[s][t.Categories[0]]++
			}
		}
	}
	main := make(map[string]string, len(counts))
	for s, byCat := range counts {
		best := ""
		for c, n := range byCat {
			if best == "" || n > byCat[best] || n == byCat[best] && c < best {
				best = c
			}
		}
		main[s] = best
	}
	return main
}

// profileTerms holds the pseudo term frequencies of one profile: the
// field-weighted, length-normalised sums of BM25F before saturation.
type profileTerms struct {
	skills, cats, words map[string]float64
}

// profileText is a profile's text as terms: the content words of each field
// and the skill names its headline and bio mention.
type profileText struct {
	skillWords, headline, bio []string
	headlineSkills, bioSkills []string
}

// analyseProfiles computes the terms of every profile.
func analyseProfiles(talents []Talent, skillNames *matcher) []profileTerms {
	texts := make([]profileText, len(talents))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Go(func() {
			a := analyser{skillNames: skillNames, memo: make(map[string]clause)}
			for i := w; i < len(talents); i += workers {
				t := &talents[i]
				var pt profileText
				pt.skillWords, _ = a.text(strings.Join(t.Skills, "、"))
				pt.headline, pt.headlineSkills = a.text(t.Headline)
				pt.bio, pt.bioSkills = a.text(t.Bio)
				texts[i] = pt
			}
		})
	}
	wg.Wait()

	var avgSkills, avgHeadline, avgBio float64
	for _, t := range texts {
		avgSkills += float64(len(t.skillWords))
		avgHeadline += float64(len(t.headline))
		avgBio += float64(len(t.bio))
	}
	n := math.Max(1, float64(len(texts)))
	avgSkills, avgHeadline, avgBio = avgSkills/n+1, avgHeadline/n+1, avgBio/n+1

	docs := make([]profileTerms, len(talents))
	for i, t := range talents {
		d := profileTerms{skills: map[string]float64{}, cats: map[string]float64{}, words: map[string]float64{}}
		for _, s := range t.Skills {
			d.skills[s] += skillListWeight
		}
		// A skill the text names, listed or not, is one the professional
		// chose to talk about.
		for _, s := range texts[i].headlineSkills {
			d.skills[s] += skillHeadlineWeight
		}
		for _, s := range texts[i].bioSkills {
			d.skills[s] += skillBioWeight
		}
		for j, c := range t.Categories {
			if j == 0 {
				d.cats[c] += mainCategoryWeight
			} else {
				d.cats[c] += otherCategoryWeight
			}
		}
		addWords(d.words, texts[i].skillWords, wordSkillsWeight, wordSkillsB, avgSkills)
		addWords(d.words, texts[i].headline, wordHeadlineWeight, wordHeadlineB, avgHeadline)
		addWords(d.words, texts[i].bio, wordBioWeight, wordBioB, avgBio)
		docs[i] = d
	}
	return docs
}

// An analyser turns profile text into terms for one goroutine. It remembers
// each clause it has seen: profiles written from a template share most of
// their clauses, and kagome is the cost of building an index.
type analyser struct {
	skillNames *matcher
	memo       map[string]clause
}

type clause struct{ words, skills []string }

// text returns the content words of text and the skill names it mentions.
func (a *analyser) text(text string) (ws, skills []string) {
	for _, c := range strings.FieldsFunc(normalize(text), isClauseEnd) {
		cl, ok := a.memo[c]
		if !ok {
			for _, w := range words(c) {
				cl.words = append(cl.words, w.key)
			}
			for _, h := range a.skillNames.match(matchKey(c)) {
				cl.skills = append(cl.skills, h.phrase.skills...)
			}
			a.memo[c] = cl
		}
		ws = append(ws, cl.words...)
		for _, s := range cl.skills {
			if !slices.Contains(skills, s) {
				skills = append(skills, s)
			}
		}
	}
	return ws, skills
}

func isClauseEnd(r rune) bool {
	switch r {
	case '。', '、', ',', '!', '?', '\n', '\r', ';':
		return true
	}
	return false
}

// addWords adds one field's words to a profile's pseudo frequencies.
func addWords(tf map[string]float64, words []string, weight, b, avgLen float64) {
	norm := 1 - b + b*float64(len(words))/avgLen
	for _, w := range words {
		tf[w] += weight / norm
	}
}

// buildTerms turns pseudo frequencies into postings: saturated and scaled by
// the term's inverse document frequency.
func buildTerms(docs []profileTerms, terms func(*profileTerms) map[string]float64) map[string][]posting {
	out := make(map[string][]posting)
	for i := range docs {
		for t, tf := range terms(&docs[i]) {
			out[t] = append(out[t], posting{doc: int32(i), w: float32(tf / (k1 + tf))})
		}
	}
	n := float64(len(docs))
	for t, ps := range out {
		df := float64(len(ps))
		idf := math.Log(1 + (n-df+0.5)/(df+0.5))
		for j := range ps {
			ps[j].w *= float32(idf)
		}
		out[t] = slices.Clip(ps)
	}
	return out
}
