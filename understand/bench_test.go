package understand

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// BenchmarkRead reads the messages of the evaluation set in turn.
func BenchmarkRead(b *testing.B) {
	msgs := readLabelled(b, "testdata/eval.jsonl")
	warmUp()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		Read(msgs[i%len(msgs)].Text, evalNow, tokyo)
	}
}

// BenchmarkReadLong reads a 5,000-character paste.
func BenchmarkReadLong(b *testing.B) {
	long := strings.Repeat("売上が落ちて困っています。", 400)
	warmUp()
	for b.Loop() {
		Read(long, evalNow, tokyo)
	}
}

// BenchmarkReadLatency times each message of both sets and reports the
// median and 99th percentile per message (p50-ns, p99-ns), the figures a
// user waits on.
func BenchmarkReadLatency(b *testing.B) {
	var msgs []labelled
	for _, f := range []string{"testdata/eval.jsonl", "testdata/fresh.jsonl"} {
		msgs = append(msgs, readLabelled(b, f)...)
	}
	warmUp()
	var took []time.Duration
	for b.Loop() {
		for _, m := range msgs {
			start := time.Now()
			Read(m.Text, evalNow, tokyo)
			took = append(took, time.Since(start))
		}
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(took[len(took)*99/100].Nanoseconds()), "p99-ns")
}

func BenchmarkFAQBest(b *testing.B) {
	ix := testFAQ(b)
	qs := []string{"小さい子どもを連れて行ってもいい？", "車で行きたいけど停めるとこある？", "台風の時はどうなりますか"}
	for i := 0; b.Loop(); i++ {
		ix.Best(qs[i%len(qs)])
	}
}

// warmUp loads the dictionary and tables, which a server does once at start.
func warmUp() {
	kagome()
	Read("セミナーに参加したい", evalNow, tokyo)
}
