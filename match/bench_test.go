package match

import (
	"bufio"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The benchmarks measure what docs/ARCHITECTURE.md §4 and issue 3 ask for, on the
// 16,000-profile evaluation pool:
//
//	go test -run '^$' -bench . ./match
//
// BenchmarkLoadTokenizer comes first in this file so that it sees the
// dictionary load itself when the benchmarks run alone.

func BenchmarkLoadTokenizer(b *testing.B) {
	rss := rssMB()
	d := LoadTokenizer()
	added := rssMB() - rss // 0 if an earlier test loaded it
	for b.Loop() {
		LoadTokenizer()
	}
	// Reported after the loop, which clears metrics when it starts.
	b.ReportMetric(float64(d.Milliseconds()), "load-ms")
	b.ReportMetric(added, "rss-MB")
}

func BenchmarkNewIndex(b *testing.B) {
	pool, _ := loadEval(b)
	LoadTokenizer()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	ix := NewIndex(pool)
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(ix)
	rss := rssMB()
	for b.Loop() {
		NewIndex(pool)
	}
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "index-heap-MB")
	b.ReportMetric(rss, "process-rss-MB")
}

// BenchmarkSearch reports the latency of one search on one core, over the
// evaluation queries and the owner phrasings of testdata, and the quality of
// the same index, for comparison with BenchmarkBaselineBigram.
func BenchmarkSearch(b *testing.B) {
	pool, ix := loadEval(b)
	benchSearch(b, func(text string) { ix.Search(text, 5) })
	reportQuality(b, pool, searchIDs(ix))
}

// BenchmarkSearchLong is a 5,000-character message, the most LINE allows.
func BenchmarkSearchLong(b *testing.B) {
	_, ix := loadEval(b)
	text := strings.Repeat("インスタを始めたけどフォロワーが増えません。求人を出しても応募が来ない。", 150)
	text = string([]rune(text)[:5000])
	benchSearch(b, func(string) { ix.Search(text, 5) })
}

// BenchmarkBaselineBigram is plain BM25 over character bigrams on the same
// pool and queries: what a CJK analyser without a lexicon gives.
func BenchmarkBaselineBigram(b *testing.B) {
	pool, _ := loadEval(b)
	start := time.Now()
	bx := newBigramIndex(pool)
	build := time.Since(start)
	benchSearch(b, func(text string) { bx.search(text, 5) })
	b.ReportMetric(build.Seconds(), "build-s")
	reportQuality(b, pool, bx.searchIDs)
}

// benchSearch runs search over the benchmark texts on one core and reports
// the median and 99th percentile of single searches.
func benchSearch(b *testing.B, search func(string)) {
	texts := benchTexts(b)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	var took []time.Duration
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		search(texts[i%len(texts)])
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	at := func(p float64) float64 { return float64(took[int(p*float64(len(took)-1))].Nanoseconds()) / 1e3 }
	b.ReportMetric(at(0.50), "p50-µs")
	b.ReportMetric(at(0.99), "p99-µs")
}

func benchTexts(b *testing.B) []string {
	var texts []string
	for _, path := range []string{filepath.Join(evalDir(), "queries.jsonl"), filepath.Join("testdata", "owner_queries.jsonl")} {
		for _, q := range readQueries(b, path) {
			texts = append(texts, q.Text)
		}
	}
	return texts
}

func reportQuality(b *testing.B, pool []Talent, ranked func(evalQuery) []string) {
	m := score(pool, readQueries(b, filepath.Join(evalDir(), "queries.jsonl")), ranked, nil)
	b.ReportMetric(m.ndcg, "nDCG@5")
	b.ReportMetric(m.p, "P@5")
	b.ReportMetric(m.skill, "skill@5")
}

// rssMB returns the resident set size of the process (Linux; 0 elsewhere).
func rssMB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}
