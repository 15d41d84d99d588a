package match

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPerQuery prints, for MATCH_PERQUERY=<file in testdata or eval dir>,
// each query's nDCG@5 and what the matcher understood: a tool for working on
// the lexicon, skipped otherwise.
func TestPerQuery(t *testing.T) {
	name := os.Getenv("MATCH_PERQUERY")
	if name == "" {
		t.Skip("set MATCH_PERQUERY to a queries file")
	}
	pool, ix := loadEval(t)
	path := filepath.Join("testdata", name)
	if name == "queries.jsonl" {
		path = filepath.Join(evalDir(), name)
	}
	for _, q := range readQueries(t, path) {
		m := score(pool, []evalQuery{q}, searchIDs(ix))
		if m.ndcg >= 0.9 && os.Getenv("MATCH_PERQUERY_ALL") == "" {
			continue
		}
		r := ix.Search(q.Text, 5)
		var top []string
		for _, c := range r.Candidates {
			top = append(top, strings.Join(c.Talent.Categories, "+"))
		}
		t.Logf("%s %.2f p=%.1f s=%.1f %s\n\tcats=%v skills=%v\n\ttop=%v want=%v %v", q.ID, m.ndcg, m.p, m.skill, q.Text,
			r.Categories, r.Skills, top, q.Relevant, q.Skills)
	}
}
