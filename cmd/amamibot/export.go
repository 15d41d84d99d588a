package main

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/amamibot/amamibot/store"
)

// The exports are CSV for staff: UTF-8, a header row, times in the display
// zone as RFC 3339.

var (
	registrationColumns = []string{
		"registration_id", "seminar_id", "seminar_title", "starts_at", "attendance", "status", "name", "company", "registered_at",
	}
	bookingColumns = []string{
		"booking_id", "slot_id", "starts_at", "ends_at", "mode", "host", "status", "company", "contact", "introduction_id", "booked_at",
	}
	matchColumns = []string{
		"introduction_id", "requested_at", "company", "contact", "problem", "category", "talent_id", "talent_name",
		"reasons", "status", "decided_by", "decided_at",
	}
)

// writeCSV writes a header and rows, and reports the first write error.
func writeCSV(w io.Writer, header []string, rows [][]string) error {
	cw := csv.NewWriter(w)
	cw.Write(header)
	cw.WriteAll(rows) // flushes
	return cw.Error()
}

// timeIn formats t in loc, or "" for the zero time (not decided yet, say).
func timeIn(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format(time.RFC3339)
}

func exportRegistrations(ctx context.Context, st store.Store, loc *time.Location, w io.Writer) error {
	regs, err := st.AllRegistrations(ctx)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, r := range regs {
		rows = append(rows, []string{
			strconv.FormatInt(r.ID, 10), r.SeminarID, r.Seminar.Title, timeIn(r.Seminar.StartsAt, loc),
			string(r.Attendance), string(r.Status), r.Name, r.Company, timeIn(r.CreatedAt, loc),
		})
	}
	return writeCSV(w, registrationColumns, rows)
}

func exportBookings(ctx context.Context, st store.Store, loc *time.Location, w io.Writer) error {
	bookings, err := st.AllBookings(ctx)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, b := range bookings {
		intro := ""
		if b.IntroductionID != 0 {
			intro = strconv.FormatInt(b.IntroductionID, 10)
		}
		rows = append(rows, []string{
			strconv.FormatInt(b.ID, 10), b.SlotID, timeIn(b.Slot.StartsAt, loc), timeIn(b.Slot.EndsAt, loc),
			string(b.Slot.Mode), b.Slot.Host, string(b.Status), b.Owner.Company, b.Owner.Contact, intro,
			timeIn(b.CreatedAt, loc),
		})
	}
	return writeCSV(w, bookingColumns, rows)
}

func exportMatches(ctx context.Context, st store.Store, loc *time.Location, w io.Writer) error {
	intros, err := st.AllIntroductions(ctx)
	if err != nil {
		return err
	}
	names := map[string]string{}
	var rows [][]string
	for _, in := range intros {
		name, ok := names[in.TalentID]
		if !ok {
			t, err := st.Talent(ctx, in.TalentID)
			if err != nil {
				return err
			}
			name, names[in.TalentID] = t.DisplayName, t.DisplayName
		}
		rows = append(rows, []string{
			strconv.FormatInt(in.ID, 10), timeIn(in.CreatedAt, loc), in.Owner.Company, in.Owner.Contact,
			in.Problem, in.Category, in.TalentID, name, strings.Join(in.Reasons, " / "),
			string(in.Status), in.DecidedBy, timeIn(in.DecidedAt, loc),
		})
	}
	return writeCSV(w, matchColumns, rows)
}
