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
		"reasons", "status", "decided_by", "decided_at", "outcome",
	}
)

// writeCSV writes a header and rows, and reports the first write error.
// Every cell is neutralised so that a spreadsheet shows it as text. For
// Excel, a BOM and CRLF line ends make Japanese Excel read it as UTF-8.
func writeCSV(w io.Writer, header []string, rows [][]string, excel bool) error {
	if excel {
		if _, err := io.WriteString(w, "\ufeff"); err != nil {
			return err
		}
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = excel
	cw.Write(header)
	for _, r := range rows {
		for i, cell := range r {
			r[i] = neutralise(cell)
		}
		cw.Write(r)
	}
	cw.Flush()
	return cw.Error()
}

// neutralise keeps a spreadsheet from running a cell as a formula (OWASP's
// CSV injection rule): a cell that starts with =, +, -, @, a tab or a
// carriage return is prefixed with a quote, which shows it as typed.
func neutralise(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}

// timeIn formats t in loc, or "" for the zero time (not decided yet, say).
func timeIn(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format(time.RFC3339)
}

func exportRegistrations(ctx context.Context, st store.Store, loc *time.Location) ([]string, [][]string, error) {
	regs, err := st.AllRegistrations(ctx)
	if err != nil {
		return nil, nil, err
	}
	var rows [][]string
	for _, r := range regs {
		rows = append(rows, []string{
			strconv.FormatInt(r.ID, 10), r.SeminarID, r.Seminar.Title, timeIn(r.Seminar.StartsAt, loc),
			string(r.Attendance), string(r.Status), r.Name, r.Company, timeIn(r.CreatedAt, loc),
		})
	}
	return registrationColumns, rows, nil
}

func exportBookings(ctx context.Context, st store.Store, loc *time.Location) ([]string, [][]string, error) {
	bookings, err := st.AllBookings(ctx)
	if err != nil {
		return nil, nil, err
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
	return bookingColumns, rows, nil
}

func exportMatches(ctx context.Context, st store.Store, loc *time.Location) ([]string, [][]string, error) {
	intros, err := st.AllIntroductions(ctx)
	if err != nil {
		return nil, nil, err
	}
	outcomes, err := st.Outcomes(ctx)
	if err != nil {
		return nil, nil, err
	}
	names := map[string]string{}
	var rows [][]string
	for _, in := range intros {
		name, ok := names[in.TalentID]
		if !ok {
			t, err := st.Talent(ctx, in.TalentID)
			if err != nil {
				return nil, nil, err
			}
			name, names[in.TalentID] = t.DisplayName, t.DisplayName
		}
		rows = append(rows, []string{
			strconv.FormatInt(in.ID, 10), timeIn(in.CreatedAt, loc), in.Owner.Company, in.Owner.Contact,
			in.Problem, in.Category, in.TalentID, name, strings.Join(in.Reasons, " / "),
			string(in.Status), in.DecidedBy, timeIn(in.DecidedAt, loc), outcomes[in.ID],
		})
	}
	return matchColumns, rows, nil
}
