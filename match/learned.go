package match

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// The lexicon knows the needs someone wrote a line for; owners keep finding
// words no line has (燃料代, 運賃, 手書きシール). The programme's own labelled
// owner messages (learned_train.jsonl, written by TestLearnedTrainingFile
// from testdata, leaving out the sets that measure it) teach two small
// naive Bayes classifiers, one of the field of a message and one of its key
// skills, on pieces of text that carry over to words never seen: the
// character 1–3-grams of its matching key and kagome's content words with
// their first and last characters. They are a back-off: what they guess is
// added to the query in proportion to how little the lexicon heard
// (backoffGate), so that two clear phrases decide alone and the
// classifiers decide which professionals lead when the lexicon found
// nothing or only weak clues. They never add to the evidence, so
// Confidence stays what the lexicon made it and the flow still asks when
// it is low.

//go:embed learned_train.jsonl
var learnedTrainFile []byte

// A labelled message: a line of learned_train.jsonl.
type labelled struct {
	Set      string         `json:"set"` // the testdata file it comes from
	ID       string         `json:"id"`
	Text     string         `json:"text"`
	Relevant map[string]int `json:"relevant"` // graded relevance per field
	Skills   []string       `json:"skills"`
}

func readLabelled(data []byte) []labelled {
	var out []labelled
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l labelled
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			panic("match: learned_train.jsonl: " + err.Error())
		}
		out = append(out, l)
	}
	return out
}

// The blend, chosen by leave-one-file-out cross-validation on the training
// sets (TestLearnedCrossValidation, nDCG@5 over their 781 messages): 0.894
// without the classifiers; fields at weight 2, 4, 8, 16 with this gate
// 0.907, 0.909, 0.913, 0.910; skills at 1 on top of fields at 8, 0.916
// (at 2 and 4, 0.913 and 0.910). A gate of 1/(1+e), which never lets the
// lexicon decide alone, gave 0.919 at best: not worth a guess over two
// clear phrases.
const (
	// learnedWeight is the weight, as a phrase, of a field the classifier
	// is sure of when the lexicon heard nothing.
	learnedWeight = 8.0
	// learnedSkillWeight is the same for a skill.
	learnedSkillWeight = 1.0
	// minLearnedShare is the least posterior a field or skill needs to be
	// added: below it the classifier is guessing among many.
	minLearnedShare = 0.1
	// learnedFields and learnedSkills are the most fields and skills
	// added; each costs a pass over its profiles.
	learnedFields = 2
	learnedSkills = 3
	// naiveBayesSmoothing is the pseudo-count of every feature in every
	// class.
	naiveBayesSmoothing = 0.1
)

// backoff is the classifiers of an index and how much they count.
type backoff struct {
	models
	weight, skillWeight float64
	gate                func(evidence float64) float64
}

// models are the classifiers: of the field of a message, and of the key
// skills its graders named.
type models struct{ fields, skills *classifier }

// defaultModels are trained once per process, on first use, from the
// embedded file: a few hundred short messages, some milliseconds after
// kagome has loaded.
var defaultModels = sync.OnceValue(func() models {
	return trainModels(readLabelled(learnedTrainFile))
})

// backoffGate is how much the classifiers count for a text whose lexicon
// phrases named skills with total weight e: fully when nothing was heard,
// half for one clear phrase, nothing from two on.
func backoffGate(e float64) float64 {
	return max(0, 1-e/2)
}

// trainModels trains both classifiers. A message counts for the fields of
// its best grade fully and for lesser grades by (grade/best)², and for each
// key skill fully.
func trainModels(msgs []labelled) models {
	fields := Categories()
	skillSet := make(map[string]bool)
	for _, m := range msgs {
		for _, s := range m.Skills {
			skillSet[s] = true
		}
	}
	skills := slices.Sorted(maps.Keys(skillSet))
	var feats [][]string
	var fieldLabels, skillLabels [][]float64
	for _, msg := range msgs {
		best := 0
		for _, g := range msg.Relevant {
			best = max(best, g)
		}
		fl := make([]float64, len(fields))
		for i, c := range fields {
			if g := msg.Relevant[c]; g > 0 {
				r := float64(g) / float64(best)
				fl[i] = r * r
			}
		}
		sl := make([]float64, len(skills))
		for _, s := range msg.Skills {
			i, _ := slices.BinarySearch(skills, s)
			sl[i] = 1
		}
		var fs []string
		seen := make(map[string]bool)
		key, ws := modelInput(msg.Text)
		eachFeature(key, ws, func(f string) {
			if !seen[f] {
				seen[f] = true
				fs = append(fs, strings.Clone(f))
			}
		})
		feats = append(feats, fs)
		fieldLabels = append(fieldLabels, fl)
		skillLabels = append(skillLabels, sl)
	}
	return models{trainClassifier(fields, feats, fieldLabels), trainClassifier(skills, feats, skillLabels)}
}

// A classifier is multinomial naive Bayes on features counted once per
// message.
type classifier struct {
	classes  []string
	logPrior []float64
	feature  map[string]int32 // feature → its row in logLik
	logLik   []float32        // row-major, len(classes) per feature
	scratch  sync.Pool        // *[]float64, one per concurrent use
}

// trainClassifier trains on the features of each message and its weight
// for each class.
func trainClassifier(classes []string, feats [][]string, labels [][]float64) *classifier {
	m := &classifier{classes: classes, feature: make(map[string]int32)}
	nc := len(classes)
	var counts [][]float64 // per feature
	prior := make([]float64, nc)
	for d, fs := range feats {
		for i, w := range labels[d] {
			prior[i] += w
		}
		for _, f := range fs {
			row, ok := m.feature[f]
			if !ok {
				row = int32(len(counts))
				m.feature[f] = row
				counts = append(counts, make([]float64, nc))
			}
			for i, w := range labels[d] {
				counts[row][i] += w
			}
		}
	}
	totals := make([]float64, nc)
	for _, c := range counts {
		for i, w := range c {
			totals[i] += w
		}
	}
	var all float64
	for _, p := range prior {
		all += p
	}
	m.logPrior = make([]float64, nc)
	for i, p := range prior {
		m.logPrior[i] = math.Log((p + 1) / (all + float64(nc)))
	}
	v := float64(len(counts))
	m.logLik = make([]float32, len(counts)*nc)
	for row, c := range counts {
		for i, w := range c {
			m.logLik[row*nc+i] = float32(math.Log((w + naiveBayesSmoothing) / (totals[i] + naiveBayesSmoothing*v)))
		}
	}
	m.scratch.New = func() any { s := make([]float64, nc); return &s }
	return m
}

// modelInput is what understand gives the model of a text, for training.
func modelInput(text string) (string, []word) {
	_, normal, keys := readText(text)
	return truncateRunes(strings.Join(keys, "\n"), maxWordRunes), words(truncateRunes(strings.Join(normal, "\n"), maxWordRunes))
}

// eachFeature calls fn with each feature of a text: the character 1–3-grams
// of its matching key made of letters only, and its content words with
// their first and last characters. The n-grams are substrings of key, so
// a search allocates nothing for them.
func eachFeature(key string, ws []word, fn func(string)) {
	var starts [4]int // byte offsets of the last runes, a ring
	n := 0            // letters in the current run
	for i, r := range key {
		if !unicode.IsLetter(r) {
			n = 0
			continue
		}
		starts[n%4] = i
		n++
		end := i + utf8.RuneLen(r)
		for k := 1; k <= min(3, n); k++ {
			fn(key[starts[(n-k)%4]:end])
		}
	}
	for _, w := range ws {
		fn("w\x00" + w.key)
		first, _ := utf8.DecodeRuneInString(w.key)
		last, _ := utf8.DecodeLastRuneInString(w.key)
		fn("a\x00" + string(first))
		fn("z\x00" + string(last))
	}
}

// posterior calls fn with the classes of a text at least minLearnedShare
// likely, at most n of them, most likely first, with their probabilities.
// The features' log-likelihoods are divided by the square root of their
// count rather than summed: the n-grams of a text overlap, and a sum would
// make every posterior 0 or 1.
func (m *classifier) posterior(key string, ws []word, n int, fn func(class string, p float64)) {
	nc := len(m.classes)
	sp := m.scratch.Get().(*[]float64)
	defer m.scratch.Put(sp)
	sum := *sp
	clear(sum)
	found := 0
	eachFeature(key, ws, func(f string) {
		row, ok := m.feature[f]
		if !ok {
			return
		}
		found++
		for i, l := range m.logLik[int(row)*nc : int(row+1)*nc] {
			sum[i] += float64(l)
		}
	})
	if found == 0 {
		return
	}
	scale := 1 / math.Sqrt(float64(found))
	top := math.Inf(-1)
	for i := range sum {
		sum[i] = m.logPrior[i] + sum[i]*scale
		top = max(top, sum[i])
	}
	var z float64
	for i := range sum {
		sum[i] = math.Exp(sum[i] - top)
		z += sum[i]
	}
	// The n best by selection, ties to the earlier class: n is small. A
	// class taken is marked below every other (the others are exps, ≥ 0).
	for range min(n, nc) {
		best := 0
		for i, p := range sum {
			if p > sum[best] {
				best = i
			}
		}
		p := sum[best] / z
		sum[best] = -1
		if p >= minLearnedShare {
			fn(m.classes[best], p)
		}
	}
}
