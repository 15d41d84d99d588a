package main

import (
	"math"
	"slices"
	"time"
)

// latency summarises a set of durations in milliseconds.
type latency struct {
	P50 float64 `json:"p50_ms"`
	P90 float64 `json:"p90_ms"`
	P99 float64 `json:"p99_ms"`
	Max float64 `json:"max_ms"`
}

// summarise returns the percentiles of ds (nearest rank), zero for none.
func summarise(ds []time.Duration) latency {
	if len(ds) == 0 {
		return latency{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return latency{
		P50: ms(percentile(s, 50)),
		P90: ms(percentile(s, 90)),
		P99: ms(percentile(s, 99)),
		Max: ms(s[len(s)-1]),
	}
}

// percentile returns the p-th percentile of sorted by the nearest-rank
// method: the smallest value with at least p% of the values at or below it.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// ms is d in milliseconds, rounded to microseconds for a readable JSON.
func ms(d time.Duration) float64 { return math.Round(float64(d)/1e3) / 1e3 }

// ratio is a/b rounded to three decimals, or 0 when b is 0.
func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return math.Round(a/b*1e3) / 1e3
}
