package match

import (
	"cmp"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/ikawaha/kagome/v2/tokenizer"
)

// A Lesson is what one event of the programme teaches about an owner's
// problem: that it belongs to a field (the owner picked the field, or booked
// a consultation with the professional staff approved), or that the
// professionals shown there did not fit (staff declined one, or the owner
// asked for others).
type Lesson struct {
	Owner    string // who wrote it: proposals count owners, not clicks
	Text     string // the problem in the owner's words
	Category string
	TalentID string // the professional it was about, if any
	Fits     bool
}

// A LexiconRow is a proposed line of lexicon.tsv, with what it rests on, for
// a developer to read before accepting it.
type LexiconRow struct {
	Phrase   string
	Skill    string
	Category string
	Weight   float64 // 1, or 0.5 (a weak hint) while the evidence is thin or mixed
	Owners   int     // owners whose problems with the phrase belonged to the field
	Against  int     // owners whose problems with it were declined or passed over there
	Examples []string
}

const (
	examplesShown  = 3
	exampleRunes   = 60
	strongEvidence = 3 // owners, with none against, for a row of full weight
)

// ProposeLexicon proposes lexicon rows from lessons: the words that owners
// used for problems of a field and that the lexicon does not know yet, with
// the field's skill the pool pairs them with most. A row needs minOwners
// different owners, more for it than against; names (of people and
// organisations, and those in names), contacts and numbers are never
// proposed, and the examples have them masked.
func (ix *Index) ProposeLexicon(lessons []Lesson, names []string, minOwners int) []LexiconRow {
	type key struct{ word, cat string }
	type evidence struct {
		for_, against map[string]bool
		skills        map[string]int
		examples      []string
	}
	ev := make(map[key]*evidence)
	surface := make(map[string]string) // word key → as first written
	for _, l := range lessons {
		if l.Text == "" || l.Category == "" {
			continue
		}
		for _, w := range ix.unknownWords(l.Text, names) {
			k := key{w.key, l.Category}
			e := ev[k]
			if e == nil {
				e = &evidence{for_: map[string]bool{}, against: map[string]bool{}, skills: map[string]int{}}
				ev[k] = e
			}
			if _, ok := surface[w.key]; !ok {
				surface[w.key] = w.surface
			}
			if !l.Fits {
				e.against[l.Owner] = true
				continue
			}
			e.for_[l.Owner] = true
			if len(e.examples) < examplesShown {
				e.examples = append(e.examples, truncateRunes(Redact(l.Text, names), exampleRunes))
			}
			if t, ok := ix.Talent(l.TalentID); ok {
				for i, s := range t.Skills {
					e.skills[s] += 1 + btoi(i == 0) // their main skill most
				}
			}
		}
	}
	var rows []LexiconRow
	for k, e := range ev {
		if len(e.for_) < minOwners || len(e.for_) <= len(e.against) {
			continue
		}
		skill := ix.skillFor(k.word, k.cat, e.skills)
		if skill == "" {
			continue
		}
		r := LexiconRow{Phrase: surface[k.word], Skill: skill, Category: k.cat, Weight: 0.5,
			Owners: len(e.for_), Against: len(e.against), Examples: e.examples}
		if r.Owners >= strongEvidence && r.Against == 0 {
			r.Weight = 1
		}
		rows = append(rows, r)
	}
	slices.SortFunc(rows, func(a, b LexiconRow) int {
		return cmp.Or(cmp.Compare(b.Owners, a.Owners), cmp.Compare(a.Against, b.Against),
			cmp.Compare(a.Category, b.Category), cmp.Compare(a.Phrase, b.Phrase))
	})
	return rows
}

// unknownWords returns the content words of text that no lexicon phrase
// found in it covers, leaving out names and whatever a name list holds.
func (ix *Index) unknownWords(text string, names []string) []word {
	n := normalize(text)
	var covered []string
	for _, h := range ix.matcher.match(matchKey(n)) {
		covered = append(covered, h.phrase.fragments...)
	}
	seen := make(map[string]bool)
	var out []word
	for _, t := range kagome().Tokenize(truncateRunes(n, maxWordRunes)) {
		w, ok := contentWord(t)
		// Nouns only: a verb alone (合う, 来る) says too little for a row.
		if !ok || t.POS()[0] != "名詞" && t.Class != tokenizer.UNKNOWN || isName(t) || seen[fold(w)] || inNames(w, names) {
			continue
		}
		k := fold(w)
		if slices.ContainsFunc(covered, func(f string) bool { return strings.Contains(f, k) || strings.Contains(k, f) }) {
			continue
		}
		seen[k] = true
		out = append(out, word{key: k, surface: w})
	}
	return out
}

// skillFor picks the skill a word should lead to in a field: the one the
// professionals of the lessons hold most, else the one most common among the
// field's profiles that use the word, else the field's most common skill;
// ties go to the skill more of the field's professionals hold.
func (ix *Index) skillFor(w, cat string, votes map[string]int) string {
	votes = maps.Clone(votes)
	inField := func(t *Talent) bool { return len(t.Categories) > 0 && t.Categories[0] == cat }
	common := make(map[string]int) // skill → the field's professionals holding it
	for i := range ix.talents {
		if t := &ix.talents[i]; inField(t) {
			for _, s := range t.Skills {
				common[s]++
			}
		}
	}
	for s := range votes {
		if ix.skillField(s) != cat {
			delete(votes, s)
		}
	}
	if len(votes) == 0 {
		for _, p := range ix.words[w] {
			if t := &ix.talents[p.doc]; inField(t) && len(t.Skills) > 0 {
				votes[t.Skills[0]]++
			}
		}
	}
	if len(votes) == 0 {
		votes = common
	}
	best := ""
	for _, s := range slices.Sorted(maps.Keys(votes)) {
		if best == "" || votes[s] > votes[best] || votes[s] == votes[best] && common[s] > common[best] {
			best = s
		}
	}
	return best
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// skillField is the field whose profiles hold skill s first most often.
func (ix *Index) skillField(s string) string {
	counts := make(map[string]int)
	for _, p := range ix.skills[s] {
		if t := &ix.talents[p.doc]; len(t.Categories) > 0 {
			counts[t.Categories[0]]++
		}
	}
	best := ""
	for _, c := range slices.Sorted(maps.Keys(counts)) {
		if best == "" || counts[c] > counts[best] {
			best = c
		}
	}
	return best
}

// isName reports whether kagome reads t as the name of a person, an
// organisation or a place: words that say who, not what the need is.
func isName(t tokenizer.Token) bool {
	pos := t.POS()
	return len(pos) > 2 && pos[1] == "固有名詞" && pos[2] != "一般"
}

func inNames(w string, names []string) bool {
	k := fold(normalize(w))
	return slices.ContainsFunc(names, func(n string) bool {
		return strings.Contains(fold(normalize(n)), k)
	})
}

// contactPattern finds e-mail addresses, web addresses, and phone (or
// other) numbers of six digits or more, written with the separators phone
// numbers are written with: the groups of the submatches say which.
var contactPattern = regexp.MustCompile(`([\p{L}\p{N}._%+\-]+@[\p{L}\p{N}.\-]+)|(https?://\S+)|(\+?\d[\d\-‐ー−() ]{4,}\d)`)

// Redact masks what identifies a person in an owner's text: e-mail
// addresses, web addresses, phone and other long numbers, the names kagome
// recognises (people, organisations) and those in names.
func Redact(text string, names []string) string {
	s := normalize(text)
	var b strings.Builder
	last := 0
	for _, m := range contactPattern.FindAllStringSubmatchIndex(s, -1) {
		b.WriteString(redactNames(s[last:m[0]], names))
		switch {
		case m[2] >= 0:
			b.WriteString("〔連絡先〕")
		case m[4] >= 0:
			b.WriteString("〔URL〕")
		default:
			b.WriteString("〔番号〕")
		}
		last = m[1]
	}
	b.WriteString(redactNames(s[last:], names))
	return b.String()
}

// redactNames masks the names in names and those kagome reads as a
// person's or an organisation's.
func redactNames(s string, names []string) string {
	for _, n := range names {
		for _, part := range strings.Fields(normalize(n)) {
			if len([]rune(part)) >= 2 {
				s = strings.ReplaceAll(s, part, "\x00")
			}
		}
	}
	var b strings.Builder
	for _, t := range kagome().Tokenize(s) {
		pos := t.POS()
		switch {
		case strings.Contains(t.Surface, "\x00"), len(pos) > 2 && pos[1] == "固有名詞" && pos[2] == "人名":
			if !strings.HasSuffix(b.String(), "〔名前〕") {
				b.WriteString("〔名前〕")
			}
		case len(pos) > 2 && pos[1] == "固有名詞" && pos[2] == "組織":
			b.WriteString("〔会社名〕")
		default:
			b.WriteString(t.Surface)
		}
	}
	return b.String()
}
