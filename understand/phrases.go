package understand

import (
	_ "embed"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// phrases.tsv maps everyday phrases to what they say; its header explains
// the format. It is data, not code, so that staff can review and extend it.
//
//go:embed phrases.tsv
var phrasesTSV string

// A phrase is one line of phrases.tsv.
type phrase struct {
	text   string
	frags  []string // in key form; all must occur
	label  string   // an Intent, attendLabel, or blockLabel
	value  string   // the Topic of a seminar question, or the attendance
	weight float64  // how sure the phrase alone makes the reading, -1..1
}

const (
	attendLabel = "attend" // the phrase says venue or online, not an intent
	blockLabel  = "-"      // the phrase only hides the shorter phrases inside it
	askValue    = "ask"    // question/ask: the phrase announces a question to come
)

var phrases = sync.OnceValue(func() []phrase {
	ps, err := parsePhrases(phrasesTSV)
	if err != nil {
		panic("understand: phrases.tsv: " + err.Error()) // embedded and tested, so a bug
	}
	return ps
})

var knownIntents = []Intent{SeminarSignup, SeminarQuestion, MyRegistrations, CancelRegistration,
	ConsultationBooking, Consult, BusinessProblem, DataDeletion, TalkToStaff, Greeting, Thanks, Menu,
	Stop, Yes, No, Question, Reschedule, OtherCandidates}

var knownTopics = []Topic{TopicFee, TopicPlace, TopicTime, TopicOnline, TopicSeats, TopicAbout}

func parsePhrases(src string) ([]phrase, error) {
	var ps []phrase
	lines := make(map[string]int) // phrase and label → line, to catch a phrase listed twice
	for n, line := range strings.Split(src, "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 3 {
			return nil, fmt.Errorf("line %d: want 3 tab-separated columns, got %d", n+1, len(cols))
		}
		p := phrase{text: strings.TrimSpace(cols[0])}
		for _, f := range strings.Fields(p.text) {
			p.frags = append(p.frags, key(f))
		}
		if len(p.frags) == 0 {
			return nil, fmt.Errorf("line %d: empty phrase", n+1)
		}
		label, value, _ := strings.Cut(strings.TrimSpace(cols[1]), "/")
		p.label, p.value = label, value
		switch {
		case label == blockLabel:
		case label == attendLabel:
			if value != "venue" && value != "online" {
				return nil, fmt.Errorf("line %d: attendance %q must be venue or online", n+1, value)
			}
		case slices.Contains(knownIntents, Intent(label)):
			if value != "" && (Intent(label) != SeminarQuestion || !slices.Contains(knownTopics, Topic(value))) && (Intent(label) != Question || value != askValue) {
				return nil, fmt.Errorf("line %d: unknown topic %q", n+1, cols[1])
			}
		default:
			return nil, fmt.Errorf("line %d: unknown label %q", n+1, cols[1])
		}
		w, err := strconv.ParseFloat(strings.TrimSpace(cols[2]), 64)
		if err != nil || w < -1 || w > 1 || w == 0 {
			return nil, fmt.Errorf("line %d: weight %q must be a number from -1 to 1, not 0", n+1, cols[2])
		}
		p.weight = w
		id := strings.Join(p.frags, " ") + "\t" + cols[1]
		if first, dup := lines[id]; dup {
			return nil, fmt.Errorf("line %d: %q says what line %d says (spellings are folded)", n+1, p.text, first)
		}
		lines[id] = n + 1
		ps = append(ps, p)
	}
	return ps, nil
}

// span is where a one-fragment phrase occurs in the text.
type span struct {
	p          *phrase
	pi         int32 // p's line among the phrases
	start, end int
}

// anchored finds a fragment that must start (^はい) or end (いや$) the text;
// the punctuation and emoji around a message do not count.
func anchored(text, f string) (span, bool) {
	whole := len(text)
	text = strings.TrimLeft(text, " 「")
	start := whole - len(text)
	trimmed := strings.TrimRight(trimEmoji(strings.TrimRight(text, " 。、.,!?！？…ー笑w")), " 。、.,!?！？…ー笑w")
	end := start + len(trimmed)
	body := strings.TrimSuffix(strings.TrimPrefix(f, "^"), "$")
	switch {
	case strings.HasPrefix(f, "^") && strings.HasSuffix(f, "$"):
		if text[:end-start] == body {
			return span{start: start, end: end}, true
		}
	case strings.HasPrefix(f, "^"):
		if strings.HasPrefix(text, body) {
			return span{start: start, end: start + len(body)}, true
		}
	default:
		if strings.HasSuffix(text[:end-start], body) {
			return span{start: end - len(body), end: end}, true
		}
	}
	return span{}, false
}

// A phraseIndex finds the fragments of the table by their first one or two
// runes, so that a scan costs a map look-up or two per rune of text whatever
// the size of the table.
type phraseIndex struct {
	phrases []phrase
	frags   []string           // distinct unanchored fragments
	ids     map[string]int32   // fragment → its index in frags
	users   [][]int32          // fragment → the phrases that use it
	byHead  map[string][]int32 // first one or two runes → fragments starting so
	anchor  []int32            // phrases with an anchored fragment (^はい)
}

var index = sync.OnceValue(func() *phraseIndex {
	ix := &phraseIndex{phrases: phrases(), byHead: make(map[string][]int32), ids: make(map[string]int32)}
	ids := ix.ids
	for pi, p := range ix.phrases {
		for _, f := range p.frags {
			if strings.HasPrefix(f, "^") || strings.HasSuffix(f, "$") {
				ix.anchor = append(ix.anchor, int32(pi))
				continue
			}
			id, ok := ids[f]
			if !ok {
				id = int32(len(ix.frags))
				ids[f] = id
				ix.frags = append(ix.frags, f)
				ix.users = append(ix.users, nil)
				ix.byHead[head(f)] = append(ix.byHead[head(f)], id)
			}
			ix.users[id] = append(ix.users[id], int32(pi))
		}
	}
	return ix
})

// head is the look-up key of a fragment: its first two runes, or its only one.
func head(s string) string {
	_, n1 := utf8.DecodeRuneInString(s)
	if n1 == len(s) {
		return s
	}
	_, n2 := utf8.DecodeRuneInString(s[n1:])
	return s[:n1+n2]
}

// findPhrases returns the phrases that occur in text (in key form). A
// one-fragment phrase that occurs only inside a longer phrase's occurrence
// does not count: 「キャンセル待ち」 hides 「キャンセル」.
func findPhrases(text string) []*phrase {
	ix := index()
	var spans []span
	present := make(map[int32]bool)
	for i, r := range text {
		n1 := utf8.RuneLen(r)
		heads := []string{text[i : i+n1]}
		if i+n1 < len(text) {
			_, n2 := utf8.DecodeRuneInString(text[i+n1:])
			heads = append(heads, text[i:i+n1+n2])
		}
		for _, h := range heads {
			for _, id := range ix.byHead[h] {
				f := ix.frags[id]
				if !strings.HasPrefix(text[i:], f) {
					continue
				}
				present[id] = true
				for _, pi := range ix.users[id] {
					if len(ix.phrases[pi].frags) == 1 {
						spans = append(spans, span{&ix.phrases[pi], pi, i, i + len(f)})
					}
				}
			}
		}
	}
	for _, pi := range ix.anchor {
		p := &ix.phrases[pi]
		if s, ok := anchored(text, p.frags[0]); ok {
			s.p, s.pi = p, pi
			spans = append(spans, s)
		}
	}
	var found []int32
	seen := make(map[int32]bool)
	for id := range present {
		for _, pi := range ix.users[id] {
			p := &ix.phrases[pi]
			if len(p.frags) < 2 || seen[pi] || p.label == blockLabel {
				continue
			}
			all := true
			for _, f := range p.frags {
				all = all && present[ix.ids[f]]
			}
			if all {
				seen[pi] = true
				found = append(found, pi)
			}
		}
	}
	slices.SortStableFunc(spans, func(a, b span) int { return (b.end - b.start) - (a.end - a.start) })
	var kept []span
	for _, s := range spans {
		hidden := false
		for _, k := range kept {
			if k.start <= s.start && s.end <= k.end && k.end-k.start > s.end-s.start {
				hidden = true
				break
			}
		}
		if hidden {
			continue
		}
		kept = append(kept, s)
		if pi := s.pi; !seen[pi] && s.p.label != blockLabel {
			seen[pi] = true
			found = append(found, pi)
		}
	}
	// In table order, so that equal weights always resolve alike.
	slices.Sort(found)
	out := make([]*phrase, len(found))
	for i, pi := range found {
		out[i] = &ix.phrases[pi]
	}
	return out
}
