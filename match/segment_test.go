package match

import (
	"slices"
	"testing"
)

// The factors of a message's segments: what the owner stresses counts more,
// what they set aside (あと…, a turn away from it, a need told with も before
// a turn, a state a turn leads away from) less; a も of negation (どこの店も)
// sets nothing aside, nor does a turn from a wish.
func TestSegmentFactors(t *testing.T) {
	for text, want := range map[string][]float64{
		"ホームページも古いけど、それより何より人が足りない":                      {asideFactor, stressedFactor},
		"インスタもやらなきゃとは思ってる。でも本当に困ってるのは、仕入れ値が上がって利益が出ないこと": {asideFactor, stressedFactor},
		"パッケージも営業も全部自分。まずは買ってくれる店を増やしたい":                 {asideFactor, stressedFactor},
		"島の特産を集めた商品を作ったけど、どこの店も置いてくれない":                  {asideFactor, 1},
		"ネットショップを始めたいけど、何から手をつけたらいいか":                    {1, 1},
		"ホームページはあるけど、見に来る人がほとんどいない":                      {asideFactor, 1},
		"グーグルマップで店が出てこないし、インスタのフォロワーも増えない":               {1},
		"求人を出しても人が来ない。あと資金繰りも苦しい":                        {1, asideFactor},
		"配送料も高いけど、もっと困ってるのはネットのお店に人が来ないこと":               {asideFactor, stressedFactor},
		// A wish told last, after states only, is the goal; not after
		// another wish, nor a 〜みたい of hearsay.
		"注文は電話で受けてるけど、手間がかかる。ネットショップを始めたい": {asideFactor, 1, goalFactor},
		"ホームページを作りたい。求人を出したい":              {1, 1},
		"チラシを作った。外国の人には伝わってないみたいです":        {1, 1},
	} {
		var got []float64
		for _, s := range segments(text) {
			got = append(got, s.factor)
		}
		if !slices.Equal(got, want) {
			t.Errorf("segments(%q) factors %v, want %v", text, got, want)
		}
	}
}
