package flows

import "testing"

// A rating is read from a digit, stars, a kanji numeral or words; a number
// out of range is tried but not read, and 「一番良かった」 is words.
func TestReadRating(t *testing.T) {
	for _, c := range []struct {
		text      string
		n         int
		ok, tried bool
	}{
		{"5", 5, true, true},
		{"星5", 5, true, true},
		{"★★★★", 4, true, true},
		{"五です", 5, true, true},
		{"三", 3, true, true},
		{"6", 6, false, true},
		{"とても良かったです", 5, true, true},
		{"一番良かった", 4, true, true},
	} {
		n, ok, tried := readRating(normalize(c.text))
		if n != c.n || ok != c.ok || tried != c.tried {
			t.Errorf("readRating(%q) = %d, %v, %v; want %d, %v, %v", c.text, n, ok, tried, c.n, c.ok, c.tried)
		}
	}
}
