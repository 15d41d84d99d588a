package match

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
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
// from testdata) teach a small naive Bayes classifier which field a message
// is about from pieces of it that carry over to words never seen: the
// character 1–3-grams of its matching key and kagome's content words with
// their first and last characters (代 of 燃料代 and 運送代, 賃 of 運賃 and
// 家賃). It is a back-off: its fields are added to the query's in
// proportion to how little the lexicon heard (backoffGate), so that a
// clear phrase decides and the classifier only decides which field leads
// when the lexicon found nothing or only weak clues. It never adds to the
// evidence, so Confidence stays what the lexicon made it and the flow
// still asks when it is low.

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
// sets (TestLearnedCrossValidation): see doc.go.
const (
	// learnedWeight is the weight, as a phrase, of a field the classifier
	// is sure of when the lexicon heard nothing.
	learnedWeight = 1.0
	// minLearnedShare is the least posterior a field needs to be added:
	// below it the classifier is guessing among many.
	minLearnedShare = 0.15
	// learnedFields is the most fields added; each costs a pass over its
	// profiles.
	learnedFields = 2
	// naiveBayesSmoothing is the pseudo-count of every feature in every
	// field.
	naiveBayesSmoothing = 0.1
)

// backoff is the classifier of an index and how much it counts.
type backoff struct {
	model  *fieldModel
	weight float64
	gate   func(evidence float64) float64
}

// defaultModel is trained once per process, on first use, from the
// embedded file: a few hundred short messages, some milliseconds after
// kagome has loaded.
var defaultModel = sync.OnceValue(func() *fieldModel {
	return trainFields(readLabelled(learnedTrainFile))
})

// backoffGate is how much the classifier counts for a text whose lexicon
// phrases named skills with total weight e: fully when nothing was heard,
// a third for a weak hint (0.5), nothing from one clear phrase on.
func backoffGate(e float64) float64 {
	return max(0, 1-e)
}

// A fieldModel is multinomial naive Bayes over the fields, on features
// counted once per message.
type fieldModel struct {
	fields   []string         // field codes, in Categories order
	logPrior []float64        // per field
	feature  map[string]int32 // feature → its row in logLik
	logLik   []float32        // row-major, len(fields) per feature
	scratch  sync.Pool        // *[]float64, one per concurrent use
}

// trainFields trains a model on the messages: each counts for the fields
// of its best grade fully and for lesser grades by (grade/best)².
func trainFields(msgs []labelled) *fieldModel {
	m := &fieldModel{fields: Categories(), feature: make(map[string]int32)}
	nf := len(m.fields)
	col := make(map[string]int, nf)
	for i, c := range m.fields {
		col[c] = i
	}
	var counts [][]float64 // per feature
	prior := make([]float64, nf)
	for _, msg := range msgs {
		best := 0
		for _, g := range msg.Relevant {
			best = max(best, g)
		}
		if best == 0 {
			continue
		}
		weights := make([]float64, nf)
		for c, g := range msg.Relevant {
			if i, ok := col[c]; ok && g > 0 {
				r := float64(g) / float64(best)
				weights[i] = r * r
				prior[i] += r * r
			}
		}
		seen := make(map[string]bool)
		key, ws := modelInput(msg.Text)
		eachFeature(key, ws, func(f string) {
			if seen[f] {
				return
			}
			seen[f] = true
			row, ok := m.feature[f]
			if !ok {
				row = int32(len(counts))
				m.feature[f] = row
				counts = append(counts, make([]float64, nf))
			}
			for i, w := range weights {
				counts[row][i] += w
			}
		})
	}
	totals := make([]float64, nf)
	for _, c := range counts {
		for i, w := range c {
			totals[i] += w
		}
	}
	var all float64
	for _, p := range prior {
		all += p
	}
	m.logPrior = make([]float64, nf)
	for i, p := range prior {
		m.logPrior[i] = math.Log((p + 1) / (all + float64(nf)))
	}
	v := float64(len(counts))
	m.logLik = make([]float32, len(counts)*nf)
	for row, c := range counts {
		for i, w := range c {
			m.logLik[row*nf+i] = float32(math.Log((w + naiveBayesSmoothing) / (totals[i] + naiveBayesSmoothing*v)))
		}
	}
	m.scratch.New = func() any { s := make([]float64, nf); return &s }
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

// posterior returns the fields of a text at least minLearnedShare likely,
// at most learnedFields of them, most likely first, with their
// probabilities. The features' log-likelihoods are averaged rather than
// summed: the n-grams of a text overlap, and a sum would make every
// posterior 0 or 1.
func (m *fieldModel) posterior(key string, ws []word) (fields []string, probs []float64) {
	nf := len(m.fields)
	sp := m.scratch.Get().(*[]float64)
	defer m.scratch.Put(sp)
	sum := *sp
	clear(sum)
	n := 0
	eachFeature(key, ws, func(f string) {
		row, ok := m.feature[f]
		if !ok {
			return
		}
		n++
		for i, l := range m.logLik[int(row)*nf : int(row+1)*nf] {
			sum[i] += float64(l)
		}
	})
	if n == 0 {
		return nil, nil
	}
	// Averaged, the log-likelihoods of one text differ by a few tenths;
	// scaled by the square root of the count they separate as far as the
	// evidence warrants.
	scale := math.Sqrt(float64(n)) / float64(n)
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
	order := make([]int, nf)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case sum[a] > sum[b]:
			return -1
		case sum[a] < sum[b]:
			return 1
		}
		return 0
	})
	for _, i := range order[:learnedFields] {
		if p := sum[i] / z; p >= minLearnedShare {
			fields = append(fields, m.fields[i])
			probs = append(probs, p)
		}
	}
	return fields, probs
}
