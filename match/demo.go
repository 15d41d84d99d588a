package match

import (
	_ "embed"
	"strings"
)

//go:generate go run gen_demo.go

// demo_talents.csv is a synthetic pool written by gen_demo.go: invented
// people, so that `serve --demo` can show the whole flow without real data.
//
//go:embed demo_talents.csv
var demoCSV string

// DemoTalents returns the built-in sample pool of 420 synthetic
// professionals, 30 for each field, freshly parsed for each call.
func DemoTalents() []Talent {
	ts, err := ReadTalentsCSV(strings.NewReader(demoCSV))
	if err != nil {
		panic("match: demo_talents.csv: " + err.Error()) // generated and tested, so a bug
	}
	return ts
}
