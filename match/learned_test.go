package match

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var (
	updateLearned = flag.Bool("update-learned", false, "rewrite learned_train.jsonl from testdata")
	learnedCV     = flag.Bool("learned-cv", false, "cross-validate the classifier's blend (TestLearnedCrossValidation)")
)

// measureSets are the labelled sets kept out of the classifier's training
// file because they measure it: the evaluation set (testdata/suggest, not
// globbed) and the end measures.
var measureSets = []string{"holdout13", "holdout14", "holdout15", "holdout16", "holdout17", "holdout18", "holdout19", "holdout20", "holdout21", "holdout22", "holdout23", "holdout24", "holdout25"}

// learnedTraining builds learned_train.jsonl: every labelled owner message
// of testdata/*_queries.jsonl but the measuring sets, by file and line.
func learnedTraining(t *testing.T) []byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*_queries.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	var b bytes.Buffer
	for _, f := range files {
		set := strings.TrimSuffix(filepath.Base(f), "_queries.jsonl")
		if slices.Contains(measureSets, set) {
			continue
		}
		for _, q := range readQueries(t, f) {
			line, err := json.Marshal(labelled{Set: set, ID: q.ID, Text: q.Text, Relevant: q.Relevant, Skills: q.Skills})
			if err != nil {
				t.Fatal(err)
			}
			b.Write(line)
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

// TestLearnedTrainingFile checks that the embedded training file is what
// testdata makes of it (go test -run TestLearnedTrainingFile
// -update-learned rewrites it) and that no measuring set is in it.
func TestLearnedTrainingFile(t *testing.T) {
	want := learnedTraining(t)
	if *updateLearned {
		if err := os.WriteFile("learned_train.jsonl", want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(want, learnedTrainFile) {
		t.Fatal("learned_train.jsonl is stale: rerun with -update-learned")
	}
	measured := make(map[string]bool)
	for _, q := range readQueries(t, filepath.Join(evalDir(), "queries.jsonl")) {
		measured[normalize(q.Text)] = true
	}
	for _, s := range measureSets {
		for _, q := range readQueries(t, filepath.Join("testdata", s+"_queries.jsonl")) {
			measured[normalize(q.Text)] = true
		}
	}
	for _, l := range readLabelled(learnedTrainFile) {
		if measured[normalize(l.Text)] {
			t.Errorf("%s %s is a measuring message: %s", l.Set, l.ID, l.Text)
		}
	}
}

// TestLearnedCrossValidation (with -learned-cv) chooses the blend: each
// training set in turn is scored with a classifier trained on the others,
// for each weight and gate, and the figures are logged (nDCG@5 over all
// messages, and the mean of the sets).
func TestLearnedCrossValidation(t *testing.T) {
	if !*learnedCV {
		t.Skip("run with -learned-cv")
	}
	pool, ix := loadEval(t)
	saved := ix.backoff
	defer func() { ix.backoff = saved }()
	all := readLabelled(learnedTrainFile)
	var sets []string
	for _, l := range all {
		if !slices.Contains(sets, l.Set) {
			sets = append(sets, l.Set)
		}
	}
	gates := map[string]func(float64) float64{
		"1-e/2":   backoffGate,
		"1/(1+e)": func(e float64) float64 { return 1 / (1 + e) },
		"1-e/3":   func(e float64) float64 { return max(0, 1-e/3) },
	}
	type setting struct {
		gate          string
		weight, skill float64
	}
	var settings []setting
	for _, g := range []string{"1-e/2", "1-e/3", "1/(1+e)"} {
		for _, w := range []float64{0, 4, 8, 16} {
			for _, sw := range []float64{0, 1} {
				settings = append(settings, setting{g, w, sw})
			}
		}
	}
	sum := make([]float64, len(settings))  // nDCG@5 summed over messages
	mean := make([]float64, len(settings)) // per-set means, summed
	n := 0
	for _, s := range sets {
		var train []labelled
		var held []evalQuery
		for _, l := range all {
			if l.Set == s {
				held = append(held, evalQuery{ID: l.ID, Text: l.Text, Relevant: l.Relevant, Skills: l.Skills})
			} else {
				train = append(train, l)
			}
		}
		model := trainModels(train)
		var line []string
		for i, st := range settings {
			ix.backoff = backoff{model, st.weight, st.skill, gates[st.gate]}
			m := score(pool, held, searchIDs(ix), nil)
			sum[i] += m.ndcg * float64(len(held))
			mean[i] += m.ndcg
			line = append(line, fmt.Sprintf("%.3f", m.ndcg))
		}
		n += len(held)
		t.Logf("%-16s %s", s, strings.Join(line, " "))
	}
	for i, st := range settings {
		t.Logf("gate %-8s weight %.2f skills %.2f: nDCG@5 %.4f over %d messages, %.4f mean of %d sets",
			st.gate, st.weight, st.skill, sum[i]/float64(n), n, mean[i]/float64(len(sets)), len(sets))
	}
}

// The classifier puts everyday phrases it was not trained on in their
// field. (Of the phrases tried, 「ホームページの直し方がわからない」 went
// to hr: the classifier is a back-off, not a reader.)
func TestClassifierPlacesUnseenPhrases(t *testing.T) {
	train := make(map[string]bool)
	for _, l := range readLabelled(learnedTrainFile) {
		train[normalize(l.Text)] = true
	}
	m := defaultModels()
	for text, want := range map[string]string{
		"ラベルのデザインが古くさい":  "branding",
		"月末になると支払いが回らない": "finance",
		"契約の書類をちゃんとしたい":  "legal",
		"跡継ぎがいない":        "succession",
		"アルバイトが集まらない":    "hr",
		"倉庫の在庫がぐちゃぐちゃ":   "logistics",
		"荷物の送り方を見直したい":   "logistics",
		"海外に輸出してみたい":     "overseas",
		"新しいお菓子を作りたい":    "product",
		"ネットで売りたい":       "ec",
		"スーパーに置いてもらいたい":  "sales",
		"フォロワーが増えない":     "marketing",
		"民宿に泊まりに来る人が減った": "tourism",
	} {
		if train[normalize(text)] {
			t.Fatalf("%q is in the training file", text)
		}
		var got []string
		key, ws := modelInput(text)
		m.fields.posterior(key, ws, 1, func(c string, _ float64) { got = append(got, c) })
		if len(got) == 0 || got[0] != want {
			t.Errorf("%q: classified %v, want %s", text, got, want)
		}
	}
}

// Where the lexicon hears only a weak clue, the classifier decides which
// professionals lead, and the matcher still says it is unsure, so that
// the bot asks.
func TestBackoffDecidesWhenLexiconIsUnsure(t *testing.T) {
	r := demoIndex().Search("荷物の送り方を見直したい", 5)
	if len(r.Categories) == 0 || r.Categories[0] != "logistics" {
		t.Errorf("categories %v, want logistics first", r.Categories)
	}
	if len(r.Candidates) == 0 || mainCategory(&r.Candidates[0].Talent) != "logistics" {
		t.Errorf("first candidate %+v, want a logistics professional", r.Candidates)
	}
	if r.Confident {
		t.Errorf("confident (%.2f) on a weak clue", r.Confidence)
	}
}

// When the lexicon is sure (two clear phrases or more), the classifier
// changes nothing.
func TestBackoffIsNoOpWhenLexiconIsSure(t *testing.T) {
	with := demoIndex()
	without := NewIndex(DemoTalents())
	without.backoff = backoff{}
	for _, text := range []string{
		"アルバイトが集まらない",
		"スーパーに置いてもらいたい",
		"インスタで集客したい。求人も出したい。",
		"月末になると支払いが回らない",
	} {
		a, b := with.Search(text, 8), without.Search(text, 8)
		if !a.Confident || !slices.Equal(a.Categories, b.Categories) || !slices.Equal(a.Skills, b.Skills) ||
			!slices.EqualFunc(a.Candidates, b.Candidates, func(x, y Candidate) bool { return x.Talent.ID == y.Talent.ID }) {
			t.Errorf("%q: with the classifier %v %v, without %v %v", text, a.Categories, a.Skills, b.Categories, b.Skills)
		}
	}
}
