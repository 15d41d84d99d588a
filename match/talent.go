package match

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Talent is one remote professional in the pool.
type Talent struct {
	ID              string
	DisplayName     string
	Headline        string
	Skills          []string
	Categories      []string // category codes, main field first
	YearsExperience int
	WorkStyle       string // remote, hybrid or onsite
	Region          string
	HoursPerMonth   int // hours a month the professional can give
	Bio             string
}

// talentColumns is the header of a talents CSV file (docs/ARCHITECTURE.md §6).
var talentColumns = []string{
	"id", "display_name", "headline", "skills", "categories",
	"years_experience", "work_style", "region", "hours_per_month", "bio",
}

// Limits that keep a talents file from hurting the server that indexes it
// (one 3 MB bio once took it to 4.4 GB and 26 s to start): a bio is a few
// paragraphs, the other fields a line; a pool is tens of thousands of
// people (the evaluation pool of 16,000 is 6.4 MB).
const (
	MaxBioRunes    = 4000
	MaxFieldRunes  = 400
	MaxTalents     = 50_000
	MaxTalentBytes = 64 << 20
)

// ReadTalentsCSV reads a talents CSV file: UTF-8, a header row naming the
// columns in talentColumns (in any order; other columns are ignored), skills
// and categories separated by ";". It is strict, because a pool that imports
// half of a broken file is worse than one that refuses it: the first bad row
// fails the whole read with its line number and what is wrong. A field, the
// number of rows or the file beyond the limits above is such a row.
func ReadTalentsCSV(r io.Reader) ([]Talent, error) {
	cr := csv.NewReader(&capped{r: r, left: MaxTalentBytes})
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("line 1: empty file, expected a header row")
	}
	if err != nil {
		return nil, csvError(err)
	}
	col, err := headerColumns(header)
	if err != nil {
		return nil, fmt.Errorf("line 1: %w", err)
	}

	var talents []Talent
	seen := make(map[string]int) // id → line
	line := 1
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return talents, nil
		}
		if errors.Is(err, errTooLarge) {
			return nil, fmt.Errorf("line %d: the file is larger than %d MB: split it", line+1, MaxTalentBytes>>20)
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ = cr.FieldPos(0)
		if len(talents) == MaxTalents {
			return nil, fmt.Errorf("line %d: more than %d talents: split the file", line, MaxTalents)
		}
		if err := checkSizes(rec, col); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		t, err := parseTalent(rec, col)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if first, dup := seen[t.ID]; dup {
			return nil, fmt.Errorf("line %d: id %q already used on line %d", line, t.ID, first)
		}
		seen[t.ID] = line
		talents = append(talents, t)
	}
}

// headerColumns maps each column of talentColumns to its index in header.
func headerColumns(header []string) (map[string]int, error) {
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\uFEFF") // spreadsheet byte-order mark
	}
	col := make(map[string]int, len(header))
	for i, h := range header {
		h = strings.TrimSpace(h)
		if _, dup := col[h]; dup {
			return nil, fmt.Errorf("column %q appears twice in the header", h)
		}
		col[h] = i
	}
	var missing []string
	for _, c := range talentColumns {
		if _, ok := col[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("header lacks column(s) %s (expected %s)",
			strings.Join(missing, ", "), strings.Join(talentColumns, ","))
	}
	return col, nil
}

func parseTalent(rec []string, col map[string]int) (Talent, error) {
	get := func(name string) string { return strings.TrimSpace(rec[col[name]]) }
	for _, c := range talentColumns {
		if v := get(c); !utf8.ValidString(v) {
			return Talent{}, fmt.Errorf("%s is not valid UTF-8 (save the file as UTF-8)", c)
		}
	}
	t := Talent{
		ID:          get("id"),
		DisplayName: get("display_name"),
		Headline:    get("headline"),
		Skills:      splitList(get("skills")),
		Categories:  splitList(get("categories")),
		WorkStyle:   get("work_style"),
		Region:      get("region"),
		Bio:         get("bio"),
	}
	switch {
	case t.ID == "":
		return Talent{}, errors.New("id is empty")
	case t.DisplayName == "":
		return Talent{}, errors.New("display_name is empty")
	case len(t.Skills) == 0:
		return Talent{}, errors.New("skills is empty (list them separated by ;)")
	}
	for _, c := range t.Categories {
		if !isCategoryCode(c) {
			return Talent{}, fmt.Errorf("category %q must be a code of lower-case letters, digits and _ (like it_dx)", c)
		}
	}
	switch t.WorkStyle {
	case "remote", "hybrid", "onsite":
	default:
		return Talent{}, fmt.Errorf("work_style %q must be remote, hybrid or onsite", t.WorkStyle)
	}
	var err error
	if t.YearsExperience, err = parseInt(get("years_experience"), "years_experience", 0, 80); err != nil {
		return Talent{}, err
	}
	// 744 hours is a 31-day month around the clock: anything above is a typo.
	if t.HoursPerMonth, err = parseInt(get("hours_per_month"), "hours_per_month", 0, 744); err != nil {
		return Talent{}, err
	}
	return t, nil
}

// checkSizes refuses a field longer than its limit before anything is made
// of it.
func checkSizes(rec []string, col map[string]int) error {
	for _, c := range talentColumns {
		limit := MaxFieldRunes
		if c == "bio" {
			limit = MaxBioRunes
		}
		if n := utf8.RuneCountInString(rec[col[c]]); n > limit {
			return fmt.Errorf("%s has %d characters, more than the %d allowed", c, n, limit)
		}
	}
	return nil
}

var errTooLarge = errors.New("file too large")

// capped reads at most left bytes of r, then fails with errTooLarge: the
// csv reader never holds more than that.
type capped struct {
	r    io.Reader
	left int64
}

func (c *capped) Read(p []byte) (int, error) {
	if c.left <= 0 {
		// One byte more tells a file of exactly the limit from a larger one.
		n, err := c.r.Read(make([]byte, 1))
		if n > 0 {
			return 0, errTooLarge
		}
		return 0, err
	}
	p = p[:min(int64(len(p)), c.left)]
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

// splitList splits a ";"-separated cell, dropping blanks and repeats.
func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ";") {
		if v = strings.TrimSpace(v); v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

func parseInt(s, name string, min, max int) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < min || n > max {
		return 0, fmt.Errorf("%s %q must be a whole number from %d to %d", name, s, min, max)
	}
	return n, nil
}

func isCategoryCode(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return s != ""
}

// csvError turns encoding/csv's error into the same "line N: reason" form.
func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			return fmt.Errorf("line %d: wrong number of fields (a row needs one per header column)", pe.Line)
		}
		return fmt.Errorf("line %d: %w", pe.Line, pe.Err)
	}
	return fmt.Errorf("reading talents: %w", err)
}
