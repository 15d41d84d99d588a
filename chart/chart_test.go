package chart

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/amamibot/amamibot/store"
)

// TestFunnelGolden: the chart shows the months' sums, in the funnel's
// order; testdata/funnel.golden.json is what it must show.
func TestFunnelGolden(t *testing.T) {
	months := []store.Month{
		{Month: "2026-11", Requests: 7, Approved: 5, Consultations: 4, Started: 1, Continuing: 1, Registrations: 20, Attended: 15, NoShows: 5, Asked: 24, Answered: 10},
		{Month: "2026-12", Requests: 5, Approved: 3, Consultations: 3, Started: 2, Continuing: 0, Registrations: 18, Attended: 16, NoShows: 2, Asked: 21, Answered: 12},
	}
	got, err := json.MarshalIndent(Funnel(months), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join("testdata", "funnel.golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	if string(got)+"\n" != string(want) {
		t.Errorf("chart data:\n%s\nwant (testdata/funnel.golden.json):\n%s", got, want)
	}
}
