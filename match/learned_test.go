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
// globbed) and the two end measures.
var measureSets = []string{"holdout13", "holdout14"}

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
		"1-e":     backoffGate,
		"1/(1+e)": func(e float64) float64 { return 1 / (1 + e) },
	}
	type setting struct {
		gate   string
		weight float64
	}
	var settings []setting
	for _, g := range []string{"1-e", "1/(1+e)"} {
		for _, w := range []float64{0, 0.25, 0.5, 1, 2, 4} {
			settings = append(settings, setting{g, w})
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
		model := trainFields(train)
		var line []string
		for i, st := range settings {
			ix.backoff = backoff{model, st.weight, gates[st.gate]}
			m := score(pool, held, searchIDs(ix), nil)
			sum[i] += m.ndcg * float64(len(held))
			mean[i] += m.ndcg
			line = append(line, fmt.Sprintf("%.3f", m.ndcg))
		}
		n += len(held)
		t.Logf("%-16s %s", s, strings.Join(line, " "))
	}
	for i, st := range settings {
		t.Logf("gate %-8s weight %.2f: nDCG@5 %.4f over %d messages, %.4f mean of %d sets",
			st.gate, st.weight, sum[i]/float64(n), n, mean[i]/float64(len(sets)), len(sets))
	}
}
