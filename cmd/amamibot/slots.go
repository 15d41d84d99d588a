package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/amamibot/amamibot/store"
)

var slotColumns = []string{"id", "starts_at", "ends_at", "host", "mode"}

// readSlotsCSV reads the consultation slots CSV of docs/ARCHITECTURE.md §6. Besides
// each line on its own, it refuses slots that have already started and
// slots of one host that overlap, naming the lines; a bad line imports nothing.
func readSlotsCSV(r io.Reader, now time.Time) ([]store.Slot, error) {
	rows, err := readRows(r, slotColumns, parseSlot, func(s store.Slot) string { return s.ID })
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, r := range rows {
		if !r.v.StartsAt.After(now) {
			errs = append(errs, fmt.Errorf("line %d: starts_at %s is in the past", r.line, r.v.StartsAt.Format(time.RFC3339)))
		}
	}
	byStart := slices.Clone(rows)
	slices.SortStableFunc(byStart, func(a, b row[store.Slot]) int { return a.v.StartsAt.Compare(b.v.StartsAt) })
	for i, a := range byStart {
		for _, b := range byStart[i+1:] {
			if !b.v.StartsAt.Before(a.v.EndsAt) {
				break // sorted: no later slot overlaps a
			}
			if a.v.Host == b.v.Host {
				first, second := min(a.line, b.line), max(a.line, b.line)
				errs = append(errs, fmt.Errorf("line %d: overlaps line %d (same host %q)", second, first, a.v.Host))
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs[:min(len(errs), maxCSVErrors)]...)
	}
	return values(rows), nil
}

func parseSlot(rec []string) (store.Slot, error) {
	for i := range rec {
		rec[i] = strings.TrimSpace(rec[i])
	}
	s := store.Slot{ID: rec[0], Host: rec[3], Mode: store.ConsultMode(rec[4])}
	var err error
	if s.ID == "" {
		return s, errors.New("id is empty")
	}
	if s.StartsAt, err = parseTime("starts_at", rec[1]); err != nil {
		return s, err
	}
	if s.EndsAt, err = parseTime("ends_at", rec[2]); err != nil {
		return s, err
	}
	if !s.EndsAt.After(s.StartsAt) {
		return s, fmt.Errorf("ends_at %s is not after starts_at %s", rec[2], rec[1])
	}
	if s.Host == "" {
		return s, errors.New("host is empty: say who holds the consultation")
	}
	if s.Mode != store.ConsultVenue && s.Mode != store.ConsultOnline {
		return s, fmt.Errorf("mode %q must be venue or online", rec[4])
	}
	return s, nil
}

// importSlots reads FILE and upserts it in one transaction.
func importSlots(ctx context.Context, st store.Store, file string) (int, error) {
	f, err := os.Open(file)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	slots, err := readSlotsCSV(f, time.Now())
	if err != nil {
		return 0, fmt.Errorf("%s: nothing imported:\n%w", file, err)
	}
	if err := st.UpsertSlots(ctx, slots); err != nil {
		return 0, fmt.Errorf("%s: nothing imported: %w", file, err)
	}
	return len(slots), nil
}
