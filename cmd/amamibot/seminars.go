package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/amamibot/amamibot/store"
)

var (
	seminarColumns = []string{"id", "title", "starts_at", "ends_at", "venue", "online_url", "capacity"}
	// Optional: answered when people ask about the fee or the content.
	// series: the seminar's dates share it, for 「日程を変更したい」 (empty: the title).
	seminarOptional = []string{"fee", "description", "series"}
)

// maxCapacity bounds a seminar's venue seats: the programme's halls hold a few
// dozen, so a larger number is a typo, not a hall.
const maxCapacity = 10_000

// readSeminarsCSV reads the seminars CSV of docs/ARCHITECTURE.md §6. Besides
// each line on its own, it refuses seminars that have already ended, naming
// the lines; a bad line means nothing is imported.
func readSeminarsCSV(r io.Reader, now time.Time) ([]store.Seminar, error) {
	rows, err := readRows(r, seminarColumns, parseSeminar, func(s store.Seminar) string { return s.ID }, seminarOptional...)
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, r := range rows {
		if !r.v.EndsAt.After(now) {
			errs = append(errs, fmt.Errorf("line %d: ends_at %s is in the past: the seminar has already ended", r.line, r.v.EndsAt.Format(time.RFC3339)))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs[:min(len(errs), maxCSVErrors)]...)
	}
	return values(rows), nil
}

func parseSeminar(rec []string) (store.Seminar, error) {
	for i := range rec {
		rec[i] = strings.TrimSpace(rec[i])
	}
	s := store.Seminar{ID: rec[0], Title: rec[1], Venue: rec[4], OnlineURL: rec[5], Fee: rec[7], Description: rec[8], Series: rec[9]}
	var err error
	switch {
	case s.ID == "":
		return s, errors.New("id is empty")
	case s.Title == "":
		return s, errors.New("title is empty")
	}
	if s.StartsAt, err = parseTime("starts_at", rec[2]); err != nil {
		return s, err
	}
	if s.EndsAt, err = parseTime("ends_at", rec[3]); err != nil {
		return s, err
	}
	if !s.EndsAt.After(s.StartsAt) {
		return s, fmt.Errorf("ends_at %s is not after starts_at %s", rec[3], rec[2])
	}
	if s.Venue == "" && s.OnlineURL == "" {
		return s, errors.New("venue and online_url are both empty: give a venue, an online URL, or both")
	}
	if s.OnlineURL != "" {
		if u, err := url.Parse(s.OnlineURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return s, fmt.Errorf("online_url %q is not an http(s) URL", s.OnlineURL)
		}
	}
	if rec[6] != "" || s.Venue != "" {
		if s.Capacity, err = strconv.Atoi(rec[6]); err != nil || s.Capacity < 0 {
			return s, fmt.Errorf("capacity %q is not a number of venue seats", rec[6])
		}
	}
	if s.Capacity > maxCapacity {
		return s, fmt.Errorf("capacity %d is more than %d venue seats", s.Capacity, maxCapacity)
	}
	if s.Venue != "" && s.Capacity == 0 {
		return s, errors.New("capacity is 0 for a seminar with a venue")
	}
	return s, nil
}

func parseTime(column, v string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return t, fmt.Errorf("%s %q is not an RFC 3339 time with an offset, such as 2026-12-11T15:00:00+09:00", column, v)
	}
	return t.UTC(), nil
}

// importSeminars reads FILE and upserts it in one transaction. A seminar whose
// new capacity is below the seats already taken is refused, not truncated.
func importSeminars(ctx context.Context, st store.Store, file string) (int, error) {
	f, err := os.Open(file)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	seminars, err := readSeminarsCSV(f, time.Now())
	if err != nil {
		return 0, fmt.Errorf("%s: nothing imported:\n%w", file, err)
	}
	for _, s := range seminars {
		old, err := st.Seminar(ctx, s.ID)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return 0, err
		}
		if s.Capacity < old.Booked {
			return 0, fmt.Errorf("%s: nothing imported: seminar %s: capacity %d is below the %d venue seats already taken", file, s.ID, s.Capacity, old.Booked)
		}
	}
	if err := st.UpsertSeminars(ctx, seminars); err != nil {
		return 0, fmt.Errorf("%s: nothing imported: %w", file, err)
	}
	return len(seminars), nil
}
