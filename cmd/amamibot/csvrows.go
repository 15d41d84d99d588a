package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// row is a parsed CSV record and the line it came from.
type row[T any] struct {
	v    T
	line int
}

// maxCSVErrors is how many bad lines an import reports before it stops reading.
const maxCSVErrors = 20

// Limits that keep an import from hurting the server that reads it: a
// description or an answer is a few paragraphs, a programme has hundreds of
// seminars, slots or FAQ rows, not millions.
const (
	maxFieldRunes = 4000
	maxCSVRows    = 20_000
)

// readRows reads a CSV file of docs/ARCHITECTURE.md §6: UTF-8, the given
// header followed by any leading part of optional (older files lack the
// newer columns), one record per row, parsed by parse with the missing
// optional fields empty. It reads the whole file before returning, so a bad
// line means nothing is imported; the error names every bad line (up to a
// screenful) and why, and a repeated id.
func readRows[T any](r io.Reader, columns []string, parse func([]string) (T, error), id func(T) string, optional ...string) ([]row[T], error) {
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("line 1: cannot read the header: %w", err)
	}
	header[0] = strings.TrimPrefix(header[0], "\ufeff") // Excel's UTF-8 BOM
	all := append(slices.Clip(columns), optional...)
	if len(header) < len(columns) || len(header) > len(all) || !slices.Equal(header, all[:len(header)]) {
		want := strings.Join(columns, ",")
		if len(optional) > 0 {
			want += " (optionally followed by " + strings.Join(optional, ",") + ")"
		}
		return nil, fmt.Errorf("line 1: the header must be %s", want)
	}
	cr.FieldsPerRecord = len(header)
	var (
		out  []row[T]
		errs []error
		seen = map[string]int{}
	)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line := 0
		if err == nil { // after a parse error there may be no field to ask about
			line, _ = cr.FieldPos(0)
		}
		if err == nil && len(out)+len(errs) == maxCSVRows {
			errs = append(errs, fmt.Errorf("line %d: more than %d rows: split the file", line, maxCSVRows))
			break
		}
		if err == nil {
			err = checkFieldSizes(rec, header, line)
			rec = append(rec, make([]string, len(all)-len(rec))...)
		}
		if err != nil {
			errs = append(errs, err) // csv.ParseError carries the line
		} else if v, err := parse(rec); err != nil {
			errs = append(errs, fmt.Errorf("line %d: %w", line, err))
		} else if first, dup := seen[id(v)]; dup {
			errs = append(errs, fmt.Errorf("line %d: id %q is already used on line %d", line, id(v), first))
		} else {
			seen[id(v)] = line
			out = append(out, row[T]{v, line})
		}
		if len(errs) == maxCSVErrors {
			errs = append(errs, errors.New("… stopped after 20 errors"))
			break
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// checkFieldSizes refuses a field longer than maxFieldRunes.
func checkFieldSizes(rec, header []string, line int) error {
	for i, f := range rec {
		if n := utf8.RuneCountInString(f); n > maxFieldRunes {
			return fmt.Errorf("line %d: %s has %d characters, more than the %d allowed", line, header[i], n, maxFieldRunes)
		}
	}
	return nil
}

// values drops the line numbers.
func values[T any](rows []row[T]) []T {
	out := make([]T, len(rows))
	for i, r := range rows {
		out[i] = r.v
	}
	return out
}
