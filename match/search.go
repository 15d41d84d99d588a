package match

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Result is what the matcher understood of an owner's text and whom it
// suggests.
type Result struct {
	Candidates []Candidate
	Categories []string // field codes understood, best first
	Skills     []string // skills understood, best first
	// Needs are the fields the text asks for help in, each named by at
	// least one clear phrase as its main field, strongest first: two or
	// more when an owner writes of several problems at once.
	Needs []string
	// Confidence (0–1) says how clearly the text named a need: 0.5 for one
	// clear phrase, towards 1 for several, and 0 when nothing in it met any
	// profile, so that the candidates are only the pool's generalists.
	Confidence float64
	// Confident is Confidence ≥ 0.5. When it is false the text says too
	// little to pick professionals (only emoji, 「困ってます」,
	// 「売上を上げたい」): the flow should ask which field the problem is in
	// (Categories, CategoryLabel) and call SearchCategory with the answer.
	Confident bool
}

// Candidate is a suggested professional.
type Candidate struct {
	Talent        Talent
	Score         float64
	Reasons       []string // in Japanese, for the owner: why this professional
	MatchedSkills []string // the talent's skills that answer the problem
}

// How much each kind of understood term counts in a search. Skills carry the
// meaning; the field orders professionals who share a skill by what they
// mainly do; plain words rescue what the lexicon does not know.
const (
	skillQueryWeight     = 1.0
	categoryQueryWeight  = 0.5
	wordQueryWeight      = 0.3
	chosenCategoryWeight = 2.0 // a field the owner picked in a clarifying question
	leanWeight           = 0.3 // a stray word's vote, as a phrase of this weight (lean.go)
	stressLead           = 1.5 // how far a stressed need leads the others (stressLift)
	maxStressLift        = 4.0 // the most a faint stressed need is raised

	// Words found in more than this share of profiles (支援, 経験, 企業)
	// say nothing about any of them and would only cost time.
	maxWordShare = 0.25

	// Longer messages are cut: LINE allows 5,000 characters, and the
	// problem is in there long before the end.
	maxQueryRunes = 5000

	// kagome is the cost of a long message (about 1 ms per 1,000
	// characters, and garbage), while plain words only back up the
	// lexicon, which reads the whole text: they come from the start.
	maxWordRunes = 1000

	// When nothing in a text is understood, the candidates are the
	// professionals whose main field is general management: someone who
	// can hear the problem out and say which specialist it needs.
	generalField = "strategy"
)

// Search returns the k professionals who best fit the problem described in
// text, with what it understood. It ranks for any text that is not blank,
// however little it understood (see Confidence). To show "the next ones",
// search again with a larger k and skip those already shown: results are
// deterministic.
func (ix *Index) Search(text string, k int) Result {
	return ix.search(text, "", k)
}

// SearchCategory is Search restricted to professionals of one field (main or
// not), for when the owner has picked the field after a clarifying question.
// text may be empty.
func (ix *Index) SearchCategory(text, category string, k int) Result {
	return ix.search(text, category, k)
}

func (ix *Index) search(text, category string, k int) Result {
	_, known := ix.cats[category]
	// A field the owner picked replaces the classifiers' guess.
	q := ix.understand(text, !known)
	if known {
		q.cats[category] += chosenCategoryWeight
	}

	sc := ix.scratch.Get().(*scratch)
	defer ix.scratch.Put(sc)
	sc.reset()
	for _, s := range sortedByWeight(q.skills) {
		sc.add(ix.skills[s], skillQueryWeight*q.skills[s])
	}
	for _, c := range sortedByWeight(q.cats) {
		sc.add(ix.cats[c], categoryQueryWeight*q.cats[c])
	}
	for _, w := range q.words {
		sc.add(ix.words[w.key], wordQueryWeight)
	}

	var keep func(doc int32) bool
	if category != "" {
		keep = func(doc int32) bool { return slices.Contains(ix.talents[doc].Categories, category) }
	}
	res := Result{
		Categories: q.categories(),
		Skills:     sortedByWeight(q.skills),
		Confidence: q.confidence(),
		Needs:      q.needs(),
	}
	if category != "" {
		res.Confidence = 0
		if len(ix.cats[category]) > 0 {
			res.Confidence = 1
		}
	}
	res.Confident = res.Confidence >= confidentAt
	top := sc.top(k, keep)
	if len(top) == 0 && category == "" && strings.TrimSpace(text) != "" {
		sc.add(ix.cats[generalField], 1)
		if top = sc.top(k, nil); len(top) > 0 {
			res.Confidence, res.Confident = 0, false // a guess, whatever the text said
		}
	}
	for _, doc := range top {
		res.Candidates = append(res.Candidates, ix.candidate(doc, sc.score[doc], &q))
	}
	return res
}

// query is what was understood of an owner's text.
type query struct {
	skills   map[string]float64 // skill → weight
	cats     map[string]float64 // field → weight
	named    map[string]float64 // field → weight, before segment factors
	asked    map[string]float64 // field → weight of the phrases naming it first, before segment factors
	heard    []string           // the fields of cats the text itself named, best first
	words    []word             // content words that occur in the pool
	evidence float64            // total weight of the phrases that named skills
}

// confidentAt is the Confidence from which a search is Confident.
const confidentAt = 0.5

// categories lists the fields understood, best first. When the text named
// its need clearly, they are the fields it named: the classifiers' guesses
// shift the ranking but are not restated to the owner as what they said.
// When it did not, the guesses order the fields a clarifying question
// offers.
func (q *query) categories() []string {
	if len(q.heard) > 0 && q.confidence() >= confidentAt {
		return q.heard
	}
	return sortedByWeight(q.cats)
}

// readText cuts text into segments (segment.go), each normalised, for
// words, and in its matching key, for phrases.
func readText(text string) (segs []segment, normal, keys []string) {
	segs = segments(norm.NFKC.String(truncateRunes(text, maxQueryRunes)))
	normal = make([]string, len(segs))
	keys = make([]string, len(segs))
	for i, s := range segs {
		normal[i] = normalize(s.text)
		keys[i] = matchKey(normal[i])
	}
	return segs, normal, keys
}

// understand reads text; guess lets the classifiers of learned.go add the
// fields and skills the lexicon was unsure of.
func (ix *Index) understand(text string, guess bool) query {
	q := query{
		skills: make(map[string]float64),
		cats:   make(map[string]float64),
		named:  make(map[string]float64),
		asked:  make(map[string]float64),
	}
	segs, normal, keys := readText(text)
	stress := make([]float64, len(segs))
	for i, s := range segs {
		stress[i] = s.factor
	}
	hits, strays := ix.matcher.matchStrays(keys, stress)
	factors := stressLift(segs, hits, strays, ix.matcher.leans)
	for _, st := range strays {
		l := ix.matcher.leans[st.frag]
		if l.field == "" {
			continue
		}
		w := leanWeight * l.strength * factors[st.sentence]
		q.cats[l.field] += w
		for _, s := range l.skills {
			q.skills[s] += w / math.Sqrt(float64(len(l.skills)))
		}
	}
	for _, h := range hits {
		p := h.phrase
		if len(p.skills) > 0 {
			q.evidence += p.weight
		}
		w := p.weight * factors[h.sentence]
		// A phrase naming several skills is less sure of each one.
		per := w / math.Sqrt(float64(len(p.skills)))
		for _, s := range p.skills {
			q.skills[s] += per
		}
		if len(p.skills) > 0 && len(p.categories) > 0 {
			q.asked[p.categories[0]] += p.weight
		}
		for i, c := range p.categories {
			q.cats[c] += w * categoryShare(i)
			q.named[c] += p.weight * categoryShare(i)
		}
	}
	all := words(truncateRunes(strings.Join(normal, "\n"), maxWordRunes))
	q.heard = sortedByWeight(q.cats)
	if b := ix.backoff; guess && b.fields != nil {
		// The classifiers' fields and skills count as far as the lexicon
		// was unsure (learned.go).
		if g := b.weight * b.gate(q.evidence); g > 0 {
			key := truncateRunes(strings.Join(keys, "\n"), maxWordRunes)
			b.fields.posterior(key, all, learnedFields, func(c string, p float64) { q.cats[c] += g * p })
			if sg := b.skillWeight * b.gate(q.evidence); sg > 0 {
				b.skills.posterior(key, all, learnedSkills, func(s string, p float64) { q.skills[s] += sg * p })
			}
		}
	}
	maxDF := int(maxWordShare * float64(len(ix.talents)))
	seen := make(map[string]bool)
	for _, w := range all {
		if df := len(ix.words[w.key]); df == 0 || df > maxDF || seen[w.key] {
			continue
		}
		seen[w.key] = true
		q.words = append(q.words, w)
	}
	return q
}

// categoryShare is how much a phrase counts for the i-th field it names.
func categoryShare(i int) float64 {
	if i == 0 {
		return 1
	}
	return 0.5
}

// stressLift returns the factor of each segment: its own (segment.go),
// raised for a segment the owner stressed until the field it names leads the
// fields of the other segments by stressLead. An owner who says which need
// matters (「もっと困ってるのは…」) often names it in plainer words than the
// one set aside, so that the lexicon hears it more faintly; the stress
// decides, not the volume. A stressed segment naming nothing is left as it
// is. A wish told last (goalFactor, segment.go) keeps its factor only
// when it names a need.
func stressLift(segs []segment, hits []hit, strays []stray, leans []lean) []float64 {
	factors := make([]float64, len(segs))
	top := make([]map[string]float64, len(segs)) // segment → field → weight before factors
	for i, s := range segs {
		factors[i] = s.factor
		top[i] = make(map[string]float64)
	}
	for _, st := range strays {
		if l := leans[st.frag]; l.field != "" {
			top[st.sentence][l.field] += leanWeight * l.strength
		}
	}
	named := make([]bool, len(segs)) // segment → a phrase of weight 0.5 or more names a skill in it
	for _, h := range hits {
		for i, c := range h.phrase.categories {
			top[h.sentence][c] += h.phrase.weight * categoryShare(i)
		}
		if h.phrase.weight >= 0.5 && len(h.phrase.skills) > 0 {
			named[h.sentence] = true
		}
	}
	// A wish told last counts more only when it names its need:
	// 「作り直したい」 after 「ホームページが崩れてる」 wishes for what came
	// before, and its 作り直 is a faint hint of something else (0.3).
	for i, s := range segs {
		if s.factor == goalFactor && !named[i] {
			factors[i] = 1
		}
	}
	best := func(m map[string]float64) float64 {
		b := 0.0
		for _, w := range m {
			b = max(b, w)
		}
		return b
	}
	others := 0.0
	for i, s := range segs {
		if s.factor != stressedFactor {
			others = max(others, best(top[i])*s.factor)
		}
	}
	for i, s := range segs {
		if b := best(top[i]) * s.factor; s.factor == stressedFactor && b > 0 && b < others*stressLead {
			factors[i] *= min(maxStressLift, others*stressLead/b)
		}
	}
	return factors
}

// confidence says how clearly the text named a need, from the weight e of
// the phrases that named skills (a weak hint weighs 0.3–0.5, a plain phrase
// 1) as e/(e+1): 0.5 for one plain phrase, at least 0.5 too when one field
// stands well ahead of the others; that is the line above which the flow
// suggests professionals without asking first.
func (q *query) confidence() float64 {
	e := q.evidence
	cats := sortedByWeight(q.named)
	if len(cats) > 0 && q.named[cats[0]] >= 1 && (len(cats) == 1 || q.named[cats[1]] < q.named[cats[0]]/2) {
		e = max(e, 1)
	}
	return e / (e + 1)
}

// needs lists the fields that a clear phrase (weight 1) named as its main
// field, by their weight in the query (after segment factors, so that a
// need the owner set aside comes after the one they stressed).
func (q *query) needs() []string {
	var ns []string
	for _, c := range sortedByWeight(q.cats) {
		if q.asked[c] >= 1 {
			ns = append(ns, c)
		}
	}
	return ns
}

// candidate makes doc a suggestion for q.
func (ix *Index) candidate(doc int32, score float64, q *query) Candidate {
	t := ix.talents[doc]
	c := Candidate{Talent: t, Score: score}
	for _, s := range t.Skills {
		if q.skills[s] > 0 {
			c.MatchedSkills = append(c.MatchedSkills, s)
		}
	}
	slices.SortStableFunc(c.MatchedSkills, func(a, b string) int { return cmp.Compare(q.skills[b], q.skills[a]) })
	c.Reasons = ix.reasons(doc, c.MatchedSkills, q)
	return c
}

// reasons explains to the owner why doc was suggested, strongest reason
// first: the skills that answer what they wrote, then the professional's
// field; failing both, the words their profile shares with the text. They
// do not quote the owner's words: the list quotes them once, above all the
// professionals.
func (ix *Index) reasons(doc int32, matched []string, q *query) []string {
	t := &ix.talents[doc]
	var rs []string
	if len(matched) > 0 {
		rs = append(rs, fmt.Sprintf("%sの経験があります", quoteAll(matched[:min(len(matched), 3)])))
	}

	if main := mainCategory(t); main != "" && q.cats[main] > 0 {
		r := fmt.Sprintf("「%s」が主な専門分野です", CategoryLabel(main))
		if t.YearsExperience > 0 {
			r += fmt.Sprintf("（経験%d年）", t.YearsExperience)
		}
		rs = append(rs, r)
	}
	if len(rs) > 0 {
		return rs
	}

	var found []string
	for _, w := range q.words {
		_, ok := slices.BinarySearchFunc(ix.words[w.key], doc, func(p posting, d int32) int { return cmp.Compare(p.doc, d) })
		if ok && len(found) < 3 {
			found = append(found, w.surface)
		}
	}
	if len(found) > 0 {
		return []string{fmt.Sprintf("プロフィールに%sとあります", quoteAll(found))}
	}
	for _, c := range t.Categories {
		if q.cats[c] > 0 {
			return []string{fmt.Sprintf("「%s」にも対応できます", CategoryLabel(c))}
		}
	}
	return []string{fmt.Sprintf("%sが専門です", quoteAll(t.Skills[:min(2, len(t.Skills))]))}
}

func mainCategory(t *Talent) string {
	if len(t.Categories) == 0 {
		return ""
	}
	return t.Categories[0]
}

func quoteAll(items []string) string {
	var b strings.Builder
	for _, s := range items {
		b.WriteString("「" + s + "」")
	}
	return b.String()
}

func truncateRunes(s string, n int) string {
	if len(s) <= n { // bytes ≥ runes
		return s
	}
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

// sortedByWeight returns the keys of m, heaviest first, ties in field order
// and then by name, so that results never depend on map order.
func sortedByWeight(m map[string]float64) []string {
	keys := slices.Collect(maps.Keys(m))
	slices.SortFunc(keys, func(a, b string) int {
		return cmp.Or(cmp.Compare(m[b], m[a]), cmp.Compare(categoryRank(a), categoryRank(b)), cmp.Compare(a, b))
	})
	return keys
}
