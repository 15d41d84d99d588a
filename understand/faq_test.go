package understand

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

func testFAQ(t testing.TB) *FAQIndex {
	t.Helper()
	f, err := os.Open("testdata/faq.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var entries []FAQEntry
	for _, row := range rows[1:] {
		entries = append(entries, FAQEntry{ID: row[0], Questions: strings.Split(row[1], ";"), Answer: row[2]})
	}
	return NewFAQIndex(entries)
}

func TestFAQFindsByMeaning(t *testing.T) {
	ix := testFAQ(t)
	e, score, ok := ix.Best("小さい子どもを連れて行ってもいい？")
	if !ok || e.ID != "childcare" {
		t.Errorf("小さい子どもを連れて行ってもいい？: got %q (%.2f, ok %v), want childcare", e.ID, score, ok)
	}
	if e, score, ok := ix.Best("台風の時はどうなりますか"); ok {
		t.Errorf("台風の時はどうなりますか: got %q (%.2f), want no entry", e.ID, score)
	}
	for _, q := range []string{"", "🙏🙏", "?", strings.Repeat("あ", 5000)} {
		if e, _, ok := ix.Best(q); ok {
			t.Errorf("%.20q: got %q, want no entry", q, e.ID)
		}
	}
}

// TestFAQAccuracy holds the share of paraphrased questions (including some
// the FAQ cannot answer) that find the right entry, or none.
func TestFAQAccuracy(t *testing.T) {
	ix := testFAQ(t)
	for _, set := range []struct {
		path  string
		floor float64
	}{
		{"testdata/faq_eval.jsonl", 0.95},
		{"testdata/faq_fresh.jsonl", 0.95},
		{"testdata/faq_fresh3.jsonl", 0.95},
		{"testdata/faq_fresh4.jsonl", 0.95},
		{"testdata/faq_fresh5.jsonl", 0.95},
		{"testdata/faq_final.jsonl", 0.95},
	} {
		t.Run(set.path, func(t *testing.T) { faqAccuracy(t, ix, set.path, set.floor) })
	}
}

func faqAccuracy(t *testing.T, ix *FAQIndex, path string, floor float64) {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	right, n := 0, 0
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var q struct{ Text, ID string }
		if err := json.Unmarshal([]byte(line), &q); err != nil {
			t.Fatal(err)
		}
		e, score, ok := ix.Best(q.Text)
		got := ""
		if ok {
			got = e.ID
		}
		n++
		if got == q.ID {
			right++
		} else {
			t.Logf("MISS %q: got %q (%.2f), want %q", q.Text, got, score, q.ID)
		}
	}
	acc := float64(right) / float64(n)
	t.Logf("%s: %d/%d right (%.1f%%)", path, right, n, 100*acc)
	if acc < floor {
		t.Errorf("FAQ accuracy %.3f, floor %.3f", acc, floor)
	}
}
