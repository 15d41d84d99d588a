package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"log/slog"
	"os"
	"text/tabwriter"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"github.com/amamibot/amamibot/store"
)

// reportCmd is `amamibot report [--png FILE]`: the programme's figures by
// month as a table, and the funnel over all months as a PNG chart.
func reportCmd(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer, logger *slog.Logger) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	pngFile := fs.String("png", "", "also draw the funnel as a PNG chart into FILE")
	fs.SetOutput(io.Discard) // run prints the usage, to its own stderr
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return fmt.Errorf("report takes only --png FILE: %w", errUsage)
	}
	return withStore(ctx, getenv, logger, func(c config, st store.Store) error {
		months, err := st.Months(ctx, c.Loc)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(w, "month\trequests\tapproved\tconsultations\tstarted\tcontinuing\tregistrations\tattended\tno-shows\tasked\tanswered\t")
		for _, m := range months {
			fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", m.Month, m.Requests, m.Approved, m.Consultations, m.Started, m.Continuing,
				m.Registrations, m.Attended, m.NoShows, m.Asked, m.Answered)
		}
		if err := w.Flush(); err != nil {
			return err
		}
		if *pngFile == "" {
			return nil
		}
		var b bytes.Buffer
		if err := funnelChart(months).draw(&b); err != nil {
			return err
		}
		return os.WriteFile(*pngFile, b.Bytes(), 0o644)
	})
}

// chart is a bar chart: its data, apart from how it is drawn, so that a
// test can check what it shows.
type chart struct {
	Title string `json:"title"`
	Bars  []bar  `json:"bars"`
}

type bar struct {
	Label string `json:"label"`
	Value int    `json:"value"`
	Group string `json:"group"` // bars of one group share a colour
}

// funnelChart sums the months into the programme's funnel (requests to
// engagements still going after three months) and its seminars (places,
// attendance, no-shows) and follow-ups (asked, answered).
func funnelChart(months []store.Month) chart {
	t := store.Total(months)
	title := "amamibot funnel"
	if len(months) > 0 {
		title += " " + months[0].Month + " to " + months[len(months)-1].Month
	}
	return chart{Title: title, Bars: []bar{
		{"introductions requested", t.Requests, "funnel"},
		{"approved by staff", t.Approved, "funnel"},
		{"consultations booked", t.Consultations, "funnel"},
		{"engagements started", t.Started, "funnel"},
		{"still going at 3 months", t.Continuing, "funnel"},
		{"seminar places", t.Registrations, "seminars"},
		{"attended", t.Attended, "seminars"},
		{"no-shows", t.NoShows, "seminars"},
		{"follow-ups sent", t.Asked, "follow-ups"},
		{"answered", t.Answered, "follow-ups"},
	}}
}

// Layout of the drawn chart: a label column, then the bars and their values.
const (
	chartWidth  = 720
	labelWidth  = 190
	barHeight   = 22
	barGap      = 8
	chartMargin = 16
)

var groupColours = map[string]color.RGBA{
	"funnel":     {0x1f, 0x77, 0xb4, 0xff},
	"seminars":   {0x2c, 0xa0, 0x2c, 0xff},
	"follow-ups": {0xff, 0x7f, 0x0e, 0xff},
}

// draw writes the chart as a PNG: the title, then one labelled bar per
// value, scaled to the largest.
func (c chart) draw(w io.Writer) error {
	height := 2*chartMargin + 24 + len(c.Bars)*(barHeight+barGap)
	img := image.NewRGBA(image.Rect(0, 0, chartWidth, height))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	text := func(x, y int, s string) {
		d := font.Drawer{Dst: img, Src: image.Black, Face: basicfont.Face7x13, Dot: fixed.P(x, y)}
		d.DrawString(s)
	}
	text(chartMargin, chartMargin+12, c.Title)
	most := 1
	for _, b := range c.Bars {
		most = max(most, b.Value)
	}
	room := chartWidth - labelWidth - 2*chartMargin - 60 // leave room for the value
	for i, b := range c.Bars {
		y := chartMargin + 24 + i*(barHeight+barGap)
		text(chartMargin, y+barHeight-6, b.Label)
		length := b.Value * room / most
		bar := image.Rect(labelWidth, y, labelWidth+length, y+barHeight)
		draw.Draw(img, bar, &image.Uniform{groupColours[b.Group]}, image.Point{}, draw.Src)
		text(labelWidth+length+6, y+barHeight-6, fmt.Sprint(b.Value))
	}
	return png.Encode(w, img)
}
