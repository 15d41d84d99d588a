package main

import (
	"testing"
	"time"
)

func TestSummariseNearestRank(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- { // unsorted on purpose
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	got := summarise(ds)
	want := latency{P50: 50, P90: 90, P99: 99, Max: 100}
	if got != want {
		t.Errorf("summarise(1..100 ms) = %+v, want %+v", got, want)
	}
	if ds[0] != 100*time.Millisecond {
		t.Error("summarise sorted its argument in place")
	}
}

func TestPercentileSmallSets(t *testing.T) {
	one := []time.Duration{7 * time.Millisecond}
	for _, p := range []float64{1, 50, 99, 100} {
		if got := percentile(one, p); got != 7*time.Millisecond {
			t.Errorf("percentile([7ms], %v) = %v, want 7ms", p, got)
		}
	}
	// With 10 values, p99 is the largest: no interpolation below it.
	ten := []time.Duration{1, 2, 3, 4, 5, 6, 7, 8, 9, 1000}
	if got := percentile(ten, 99); got != 1000 {
		t.Errorf("p99 of ten values = %v, want the largest", got)
	}
	if got := percentile(ten, 90); got != 9 {
		t.Errorf("p90 of ten values = %v, want the ninth", got)
	}
	if got := summarise(nil); got != (latency{}) {
		t.Errorf("summarise(nil) = %+v, want zeros", got)
	}
}

func TestRatio(t *testing.T) {
	if got := ratio(1, 3); got != 0.333 {
		t.Errorf("ratio(1, 3) = %v", got)
	}
	if got := ratio(5, 0); got != 0 {
		t.Errorf("ratio(5, 0) = %v, want 0 (nothing to compare with)", got)
	}
}
