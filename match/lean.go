package match

import "unicode"

// The lexicon is also a corpus: each of its lines pairs everyday words with
// a need, so a word used in the lines of one field leans to that field even
// when the rest of the line it comes from is missing: 「工面」 of
// 「@大きな買い物 @費用」 in 「屋根の修理代が工面できない」, 「給料日」 of
// 「@お金 @苦しい」 in 「給料日の前になると口座が空っぽ」. Such a stray word
// (phrasematch.go) adds a weak vote (leanWeight) for its field and the skills
// its lines name, so that a need told in words no line pairs exactly still
// counts against the object the message names (民宿 → tourism), and a
// message no line fits gets a field instead of generalists.
//
// Words used by the lines of several fields (お店, お客さん) say nothing
// alone and get no vote, nor do endings and single characters (出ない, 代).
const (
	// minLeanShare is the share of the lines using a word that must name
	// one field first for the word to lean to it.
	minLeanShare = 0.7
	// minLeanSkillShare is the share of those lines a skill must be named
	// in to get the vote too.
	minLeanSkillShare = 0.3
)

// A lean is the need a fragment points to on its own (field "" when none).
type lean struct {
	field string
	// strength is the share of the lines naming field first, times
	// n/(n+1) for n lines, so that one line alone is half sure.
	strength float64
	skills   []string // the skills a good share of those lines name
}

// leans computes the lean of every fragment of m from the lexicon lines that
// use it; a line counts once however many phrases its word groups expand
// to.
func leans(m *matcher) []lean {
	out := make([]lean, len(m.frags))
	for f, users := range m.users {
		if !nounLike(m.frags[f]) {
			continue
		}
		lines := make(map[string]*phrase) // line text → one of its phrases
		for _, pi := range users {
			if p := &m.phrases[pi]; len(p.categories) > 0 && len(p.skills) > 0 {
				lines[p.text] = p
			}
		}
		if len(lines) == 0 {
			continue
		}
		fields := make(map[string]float64)
		skills := make(map[string]float64)
		for _, p := range lines {
			fields[p.categories[0]]++
			for _, s := range p.skills {
				skills[s]++
			}
		}
		n := float64(len(lines))
		best := sortedByWeight(fields)[0]
		if fields[best]/n < minLeanShare {
			continue
		}
		l := lean{field: best, strength: fields[best] / (n + 1)}
		for _, s := range sortedByWeight(skills) {
			if skills[s]/n >= minLeanSkillShare {
				l.skills = append(l.skills, s)
			}
		}
		out[f] = l
	}
	return out
}

// nounLike reports whether a fragment can mean something alone: two runes
// or more, not ending in hiragana (an ending such as 出ない or なる says
// nothing without the rest of its line).
func nounLike(f string) bool {
	rs := []rune(f)
	return len(rs) >= 2 && !unicode.Is(unicode.Hiragana, rs[len(rs)-1])
}
