package understand

import (
	_ "embed"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
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
	Stop, Yes, No, Question}

var knownTopics = []Topic{TopicFee, TopicPlace, TopicTime, TopicOnline, TopicSeats, TopicAbout}

func parsePhrases(src string) ([]phrase, error) {
	var ps []phrase
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
			if value != "" && (Intent(label) != SeminarQuestion || !slices.Contains(knownTopics, Topic(value))) {
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
		ps = append(ps, p)
	}
	return ps, nil
}

// span is where a one-fragment phrase occurs in the text.
type span struct {
	p          *phrase
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

// findPhrases returns the phrases that occur in text (in key form). A
// one-fragment phrase that occurs only inside a longer phrase's occurrence
// does not count: 「キャンセル待ち」 hides 「キャンセル」.
func findPhrases(text string) []*phrase {
	ps := phrases()
	var spans []span
	var out []*phrase
	for i := range ps {
		p := &ps[i]
		if len(p.frags) > 1 {
			all := true
			for _, f := range p.frags {
				if !strings.Contains(text, f) {
					all = false
					break
				}
			}
			if all && p.label != blockLabel {
				out = append(out, p)
			}
			continue
		}
		f := p.frags[0]
		if strings.HasPrefix(f, "^") || strings.HasSuffix(f, "$") {
			if s, ok := anchored(text, f); ok {
				spans = append(spans, s)
				spans[len(spans)-1].p = p
			}
			continue
		}
		for from := 0; from < len(text); {
			i := strings.Index(text[from:], f)
			if i < 0 {
				break
			}
			spans = append(spans, span{p, from + i, from + i + len(f)})
			from += i + len(f)
		}
	}
	slices.SortStableFunc(spans, func(a, b span) int { return (b.end - b.start) - (a.end - a.start) })
	var kept []span
	seen := make(map[*phrase]bool)
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
		if !seen[s.p] && s.p.label != blockLabel {
			seen[s.p] = true
			out = append(out, s.p)
		}
	}
	return out
}
