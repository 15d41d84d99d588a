package match

import (
	"testing"
	"unicode/utf8"
)

func TestCategoryLabels(t *testing.T) {
	if len(Categories()) != 14 || Categories()[0] != "marketing" {
		t.Errorf("Categories() = %v", Categories())
	}
	seen := make(map[string]bool)
	for _, tl := range DemoTalents() {
		for _, c := range tl.Categories {
			seen[c] = true
		}
	}
	for _, c := range Categories() {
		l := CategoryLabel(c)
		// LINE quick-reply labels hold 20 characters.
		if l == c || utf8.RuneCountInString(l) > 20 {
			t.Errorf("CategoryLabel(%q) = %q, want a short Japanese label", c, l)
		}
		if !seen[c] {
			t.Errorf("no demo professional works in %q", c)
		}
	}
	if got := CategoryLabel("astrology"); got != "astrology" {
		t.Errorf("CategoryLabel of an unknown code = %q, want the code", got)
	}
}
