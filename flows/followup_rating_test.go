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
		{"5段階で4", 4, true, true},
		{"わかりやすかったです", 4, true, true},
		{"つまらなかった", 2, true, true},
	} {
		n, ok, tried := readRating(normalize(c.text))
		if n != c.n || ok != c.ok || tried != c.tried {
			t.Errorf("readRating(%q) = %d, %v, %v; want %d, %v, %v", c.text, n, ok, tried, c.n, c.ok, c.tried)
		}
	}
}

// A typed answer to a follow-up is read as the outcome it says; a negation
// is not read as the word it negates.
func TestReadFollowupAnswer(t *testing.T) {
	for _, c := range []struct {
		text, want string
		names      []outcomeName
		words      []answerWords
	}{
		{"始まりました", "started", outcomeNames, outcomeWords},
		{"進んでいます", "started", outcomeNames, outcomeWords},
		{"進んでいません", "considering", outcomeNames, outcomeWords},
		{"進んでおりません", "considering", outcomeNames, outcomeWords},
		{"始まりませんでした", "considering", outcomeNames, outcomeWords},
		{"話は進んどらん", "considering", outcomeNames, outcomeWords},
		{"うまくいってます", "started", outcomeNames, outcomeWords},
		{"お願いすることにしました", "started", outcomeNames, outcomeWords},
		{"見送りました", "dropped", outcomeNames, outcomeWords},
		{"続いています", "continuing", engagementNames, engagementWords},
		{"続けられていません", "ended", engagementNames, engagementWords},
		{"もう続けとらん", "ended", engagementNames, engagementWords},
		{"続いていません", "ended", engagementNames, engagementWords},
		{"まだ終わってない", "continuing", engagementNames, engagementWords},
		{"続けてません", "ended", engagementNames, engagementWords},
		{"見送ってはいない", "considering", outcomeNames, outcomeWords},
	} {
		if got, _ := readAnswer(normalize(c.text), c.names, c.words); got != c.want {
			t.Errorf("readAnswer(%q) = %q, want %q", c.text, got, c.want)
		}
	}
	for text, want := range map[string]bool{"まだ連絡が来ていません": true, "先生から連絡が来ていません": true, "連絡がない": true, "連絡ありました": false} {
		if got := noContactYet(text); got != want {
			t.Errorf("noContactYet(%q) = %v, want %v", text, got, want)
		}
	}
}
