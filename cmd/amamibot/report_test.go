package main

import (
	"bytes"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/amamibot/amamibot/store"
)

// TestFunnelChartGolden: the chart shows the months' sums, in the funnel's
// order; testdata/report_chart.golden.json is what it must show.
func TestFunnelChartGolden(t *testing.T) {
	months := []store.Month{
		{Month: "2026-11", Requests: 7, Approved: 5, Consultations: 4, Started: 1, Continuing: 1, Registrations: 20, Attended: 15, NoShows: 5, Asked: 24, Answered: 10},
		{Month: "2026-12", Requests: 5, Approved: 3, Consultations: 3, Started: 2, Continuing: 0, Registrations: 18, Attended: 16, NoShows: 2, Asked: 21, Answered: 12},
	}
	got, err := json.MarshalIndent(funnelChart(months), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join("testdata", "report_chart.golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	if string(got)+"\n" != string(want) {
		t.Errorf("chart data:\n%s\nwant (testdata/report_chart.golden.json):\n%s", got, want)
	}
}

// TestReportCommand: `amamibot report --png` prints the figures by month
// and draws a PNG of the funnel, with one bar row per figure.
func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(t.TempDir(), "funnel.png")
	out, stderr, err := amamibot(t, env{"DATA_DIR": dir}, "report", "--png", file)
	if err != nil || !strings.Contains(out, "requests") || !strings.Contains(out, "answered") {
		t.Fatalf("report: %q %v\n%s", out, err, stderr)
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("the chart is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != chartWidth || b.Dy() != 2*chartMargin+24+10*(barHeight+barGap) {
		t.Errorf("the chart is %v, want %d wide with ten bar rows", b, chartWidth)
	}
}
