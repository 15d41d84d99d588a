package understand

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// A labelled message of testdata/eval.jsonl or fresh.jsonl.
type labelled struct {
	Text      string `json:"text"`
	Intent    Intent `json:"intent"`
	Step      string `json:"step"`  // the step it was typed at, for the reader; Read does not know it
	Field     Field  `json:"field"` // set: the answer to a free-text question, read with ReadAnswer
	Topic     Topic  `json:"topic"`
	Date      string `json:"date"`
	Weekday   string `json:"weekday"`
	DayPart   string `json:"daypart"`
	Time      string `json:"time"`
	Ordinal   int    `json:"ordinal"`
	Attend    string `json:"attendance"`
	Name      string `json:"name"`
	Company   string `json:"company"`
	NoCompany bool   `json:"nocompany"`
	Phone     string `json:"phone"`
	Email     string `json:"email"`
}

var (
	tokyo   = mustLoad("Asia/Tokyo")
	evalNow = time.Date(2026, 11, 30, 10, 0, 0, 0, tokyo)
)

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func readLabelled(t testing.TB, path string) []labelled {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var l labelled
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("%s:%d: %v", path, n, err)
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// An outcome is how one labelled message was read.
type outcome struct {
	sure, asked bool     // right and sure; right after one yes/no question (Sure=false, Intent or Alt right)
	details     int      // details expected
	wrongs      []string // details read wrong
	got         Reading
}

func (o outcome) right() bool { return o.sure || o.asked }

// judge reads l as the bot would and compares with the labels.
func judge(l labelled) outcome {
	var o outcome
	var value string
	if l.Field != "" {
		var ok bool
		value, o.got, ok = ReadAnswer(l.Text, l.Field, evalNow, tokyo)
		if l.Intent == None {
			o.sure = ok
		} else {
			o.sure = !ok && o.got.Intent == l.Intent && o.got.Sure
			o.asked = !ok && !o.got.Sure && (o.got.Intent == l.Intent || o.got.Alt == l.Intent)
		}
	} else {
		o.got = Read(l.Text, evalNow, tokyo)
		if l.Intent == None {
			o.sure = o.got.Intent == None
		} else {
			o.sure = o.got.Intent == l.Intent && o.got.Sure
			o.asked = !o.got.Sure && (o.got.Intent == l.Intent || o.got.Alt == l.Intent)
		}
	}
	r := o.got
	check := func(what, want, got string) {
		o.details++
		if want != got {
			o.wrongs = append(o.wrongs, fmt.Sprintf("%s=%q want %q", what, got, want))
		}
	}
	if l.Topic != "" {
		check("topic", string(l.Topic), string(r.Topic))
	}
	if l.Date != "" {
		var ds []string
		for _, d := range r.Dates {
			ds = append(ds, d.String())
		}
		got := strings.Join(ds, ",")
		if slices.Contains(ds, l.Date) {
			got = l.Date
		}
		check("date", l.Date, got)
	}
	if l.Weekday != "" {
		got := ""
		if r.Weekday != nil {
			got = r.Weekday.String()
		}
		check("weekday", l.Weekday, got)
	}
	if l.DayPart != "" {
		check("daypart", l.DayPart, r.DayPart)
	}
	if l.Time != "" {
		got := ""
		if r.Time != nil {
			got = fmt.Sprintf("%d:%02d", r.Time.Hour, r.Time.Minute)
		}
		check("time", l.Time, got)
	}
	if l.Ordinal != 0 {
		check("ordinal", fmt.Sprint(l.Ordinal), fmt.Sprint(r.Ordinal))
	}
	if l.Attend != "" {
		check("attendance", l.Attend, r.Attendance)
	}
	if l.Name != "" {
		check("name", l.Name, value)
	}
	if l.Company != "" {
		check("company", l.Company, value)
	}
	if l.NoCompany {
		check("nocompany", "true", fmt.Sprint(r.NoCompany))
	}
	if l.Phone != "" {
		check("phone", l.Phone, r.Phone)
	}
	if l.Email != "" {
		check("email", l.Email, r.Email)
	}
	return o
}

// A score sums the outcomes of a labelled set.
type score struct {
	n, sure, asked, details, detailsRight int
	perIntent                             map[Intent][2]int // right, total
}

func (s score) accuracy() float64    { return float64(s.sure+s.asked) / float64(s.n) }
func (s score) strict() float64      { return float64(s.sure) / float64(s.n) }
func (s score) detailRate() float64  { return float64(s.detailsRight) / float64(max(s.details, 1)) }
func (s score) of(in Intent) float64 { c := s.perIntent[in]; return float64(c[0]) / float64(c[1]) }

func scoreSet(t *testing.T, path string) score {
	s := score{perIntent: make(map[Intent][2]int)}
	for _, l := range readLabelled(t, path) {
		o := judge(l)
		s.n++
		c := s.perIntent[l.Intent]
		c[1]++
		if o.right() {
			c[0]++
		}
		s.perIntent[l.Intent] = c
		switch {
		case o.sure:
			s.sure++
		case o.asked:
			s.asked++
		}
		s.details += o.details
		s.detailsRight += o.details - len(o.wrongs)
		if !o.right() || len(o.wrongs) > 0 || testing.Verbose() && o.asked {
			t.Logf("%s %q: want %q, got %q (%.2f, alt %q, sure %v) %s", map[bool]string{true: "ok  ", false: "MISS"}[o.right()],
				l.Text, l.Intent, o.got.Intent, o.got.Score, o.got.Alt, o.got.Sure, strings.Join(o.wrongs, " "))
		}
	}
	t.Logf("%s: %d messages; right %.1f%% (sure %.1f%%, after one yes/no question %d); details %d/%d (%.1f%%)",
		path, s.n, 100*s.accuracy(), 100*s.strict(), s.asked, s.detailsRight, s.details, 100*s.detailRate())
	var intents []Intent
	for in := range s.perIntent {
		intents = append(intents, in)
	}
	slices.Sort(intents)
	for _, in := range intents {
		c := s.perIntent[in]
		name := string(in)
		if in == None {
			name = "(none: details or answers)"
		}
		t.Logf("  %-28s %3d/%3d %5.1f%%", name, c[0], c[1], 100*s.of(in))
	}
	return s
}

// The floors sit at or just under the figures achieved, so that a change
// to the tables or rules that makes the bot understand less fails here.
// Every set up to fresh9 was looked at while tuning. final4 to final8 were
// each written after a round of tuning and scored once (the figures of
// that first contact are noted by their floors); the misses a batch showed
// were then tuned on before the next batch was written, so the floors of
// final4 to final7 are what they reach since.
func TestEvalAccuracy(t *testing.T) {
	for _, set := range []struct {
		path                       string
		overall, perIntent, detail float64
	}{
		{"testdata/eval.jsonl", 0.99, 0.9, 0.97},
		{"testdata/fresh.jsonl", 0.985, 0.8, 0.95},
		{"testdata/fresh2.jsonl", 0.985, 0.8, 0.95},
		{"testdata/fresh3.jsonl", 0.985, 0.8, 0.95},
		{"testdata/fresh4.jsonl", 0.985, 0.8, 0.95},
		{"testdata/fresh5.jsonl", 0.985, 0.8, 0.95},
		{"testdata/final.jsonl", 0.99, 0.8, 0.97},
		{"testdata/final2.jsonl", 0.99, 0.8, 0.97},
		{"testdata/final3.jsonl", 0.99, 0.8, 0.97},
		{"testdata/fresh6.jsonl", 0.985, 0.8, 0.95},
		{"testdata/fresh7.jsonl", 0.985, 0.8, 0.96},
		{"testdata/fresh8.jsonl", 0.985, 0.8, 0.95},
		{"testdata/fresh9.jsonl", 0.985, 0.8, 0.95},
		{"testdata/final4.jsonl", 0.99, 0.9, 0.99}, // first contact 0.992, 0.917, 0.962
		{"testdata/final5.jsonl", 0.99, 0.9, 0.99}, // first contact 0.973, 0.857, 0.935
		{"testdata/final6.jsonl", 0.99, 0.9, 0.99}, // first contact 0.976, 0.8, 1
		{"testdata/final7.jsonl", 0.99, 0.9, 0.99}, // first contact 0.967, 0.75, 1
		{"testdata/final8.jsonl", 1, 1, 1},         // first contact
		// Asking for other professionals, and problems and questions that
		// say ほか or 別 without asking for them: first contact 0.812 (the
		// phrases were written first, the set right after); 「他のやり方は
		// ありますか」 is still read as a problem, hence no per-intent floor.
		{"testdata/candidates.jsonl", 0.93, 0, 0},
	} {
		t.Run(set.path, func(t *testing.T) {
			s := scoreSet(t, set.path)
			if s.accuracy() < set.overall {
				t.Errorf("overall %.3f, floor %.3f", s.accuracy(), set.overall)
			}
			if s.detailRate() < set.detail {
				t.Errorf("details %.3f, floor %.3f", s.detailRate(), set.detail)
			}
			for in := range s.perIntent {
				if s.of(in) < set.perIntent {
					t.Errorf("%q: %.3f, floor %.3f", in, s.of(in), set.perIntent)
				}
			}
			if bp := s.of(BusinessProblem); bp < 0.95 {
				t.Errorf("business problems %.3f, floor 0.95", bp)
			}
		})
	}
}
