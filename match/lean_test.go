package match

import "testing"

// A word the lexicon uses for one need leans to it on its own; words of
// every field and endings do not.
func TestLeans(t *testing.T) {
	m := newMatcher(lexicon())
	leanOf := func(word string) string {
		for f, text := range m.frags {
			if text == key(word) {
				return m.leans[f].field
			}
		}
		t.Fatalf("%q is no fragment of the lexicon", word)
		return ""
	}
	for word, want := range map[string]string{
		"工面":  "finance",
		"給料日": "finance",
		"お客":  "",
		"売上":  "",
		"出ない": "",
	} {
		if got := leanOf(word); got != want {
			t.Errorf("%s leans to %q, want %q", word, got, want)
		}
	}
}

// A money worry told in words no lexicon line pairs exactly still reaches
// finance professionals, not the generalists of a text not understood.
func TestStrayWordsFindTheField(t *testing.T) {
	text := "給料日の前はいつも口座が空っぽ"
	r := demoIndex().Search(text, 5)
	if len(r.Categories) == 0 || r.Categories[0] != "finance" {
		t.Errorf("Search(%q): categories %v, want finance first", text, r.Categories)
	}
	for i, c := range r.Candidates {
		if c.Talent.Categories[0] != "finance" {
			t.Errorf("Search(%q) #%d is %s %v, want a finance professional", text, i+1, c.Talent.ID, c.Talent.Categories)
		}
	}
}
