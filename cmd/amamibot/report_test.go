package main

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/amamibot/amamibot/chart"
)

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
	if b := img.Bounds(); b.Dx() != chart.Width || b.Dy() != chart.Funnel(nil).Height() || len(chart.Funnel(nil).Bars) != 10 {
		t.Errorf("the chart is %v, want %d wide with ten bar rows", b, chart.Width)
	}
}
