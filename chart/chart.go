// Package chart draws the programme's figures (store.Month) as a PNG bar
// chart, for `amamibot report --png` and `/amami report`.
package chart

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"github.com/amamibot/amamibot/store"
)

// Chart is a bar chart: its data, apart from how it is drawn, so that a
// test can check what it shows.
type Chart struct {
	Title string `json:"title"`
	Bars  []Bar  `json:"bars"`
}

type Bar struct {
	Label string `json:"label"`
	Value int    `json:"value"`
	Group string `json:"group"` // bars of one group share a colour
}

// Funnel sums the months into the programme's funnel (requests to
// engagements still going after three months) and its seminars (places,
// attendance, no-shows) and follow-ups (asked, answered).
func Funnel(months []store.Month) Chart {
	t := store.Total(months)
	title := "amamibot funnel"
	if len(months) > 0 {
		title += " " + months[0].Month + " to " + months[len(months)-1].Month
	}
	return Chart{Title: title, Bars: []Bar{
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
	Width       = 720 // of the PNG, in pixels
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

// Height is the PNG's height in pixels: room for the title and the bars.
func (c Chart) Height() int { return 2*chartMargin + 24 + len(c.Bars)*(barHeight+barGap) }

// Draw writes the chart as a PNG: the title, then one labelled bar per
// value, scaled to the largest.
func (c Chart) Draw(w io.Writer) error {
	img := image.NewRGBA(image.Rect(0, 0, Width, c.Height()))
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
	room := Width - labelWidth - 2*chartMargin - 60 // leave room for the value
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
