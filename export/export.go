// Package export writes the records staff take to their spreadsheets as
// CSV: `amamibot export` and Slack's `/amami export` share it. UTF-8, a
// header row, times in the display zone as RFC 3339, and every cell
// neutralised so that a spreadsheet shows it as text.
package export

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/amamibot/amamibot/match"
	"github.com/amamibot/amamibot/store"
)

// Source is what the exports read.
type Source interface {
	AllRegistrations(ctx context.Context) ([]store.Registration, error)
	AllBookings(ctx context.Context) ([]store.Booking, error)
	AllIntroductions(ctx context.Context) ([]store.Introduction, error)
	Talent(ctx context.Context, id string) (match.Talent, error)
	AllQuestions(ctx context.Context) ([]store.Question, error)
	Outcomes(ctx context.Context) (map[int64]string, error)
}

// Table is an export: a header and rows.
type Table struct {
	Header []string
	Rows   [][]string
}

// Kind makes one export; seminar, when not empty, keeps the registrations
// of that seminar alone (the other kinds ignore it).
type Kind func(ctx context.Context, src Source, loc *time.Location, seminar string) (Table, error)

// Kinds are the exports by name.
var Kinds = map[string]Kind{
	"registrations": Registrations,
	"bookings":      Bookings,
	"matches":       Matches,
	"questions":     Questions,
}

var (
	RegistrationColumns = []string{
		"registration_id", "seminar_id", "seminar_title", "starts_at", "attendance", "status", "name", "company", "registered_at",
		"offer_expires_at",
	}
	BookingColumns = []string{
		"booking_id", "slot_id", "starts_at", "ends_at", "mode", "host", "status", "company", "contact", "introduction_id", "booked_at",
	}
	MatchColumns = []string{
		"introduction_id", "requested_at", "company", "contact", "problem", "category", "talent_id", "talent_name",
		"reasons", "status", "decided_by", "decided_at", "outcome",
	}
	QuestionColumns = []string{"asked_at", "kind", "text", "user_id"}
)

// Write writes the table and reports the first write error. Every cell is
// neutralised so that a spreadsheet shows it as text. For Excel, a BOM and
// CRLF line ends make Japanese Excel read it as UTF-8.
func (t Table) Write(w io.Writer, excel bool) error {
	if excel {
		if _, err := io.WriteString(w, "\ufeff"); err != nil {
			return err
		}
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = excel
	cw.Write(t.Header)
	for _, r := range t.Rows {
		out := make([]string, len(r))
		for i, cell := range r {
			out[i] = neutralise(cell)
		}
		cw.Write(out)
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

func Registrations(ctx context.Context, src Source, loc *time.Location, seminar string) (Table, error) {
	regs, err := src.AllRegistrations(ctx)
	if err != nil {
		return Table{}, err
	}
	t := Table{Header: RegistrationColumns}
	for _, r := range regs {
		if seminar != "" && r.SeminarID != seminar {
			continue
		}
		status := string(r.Status)
		if r.HoldsOffer() {
			status = "offered" // a waitlisted attendee holding a seat until offer_expires_at
		}
		t.Rows = append(t.Rows, []string{
			strconv.FormatInt(r.ID, 10), r.SeminarID, r.Seminar.Title, timeIn(r.Seminar.StartsAt, loc),
			string(r.Attendance), status, r.Name, r.Company, timeIn(r.CreatedAt, loc), timeIn(r.OfferExpiresAt, loc),
		})
	}
	return t, nil
}

func Bookings(ctx context.Context, src Source, loc *time.Location, _ string) (Table, error) {
	bookings, err := src.AllBookings(ctx)
	if err != nil {
		return Table{}, err
	}
	t := Table{Header: BookingColumns}
	for _, b := range bookings {
		intro := ""
		if b.IntroductionID != 0 {
			intro = strconv.FormatInt(b.IntroductionID, 10)
		}
		t.Rows = append(t.Rows, []string{
			strconv.FormatInt(b.ID, 10), b.SlotID, timeIn(b.Slot.StartsAt, loc), timeIn(b.Slot.EndsAt, loc),
			string(b.Slot.Mode), b.Slot.Host, string(b.Status), b.Owner.Company, b.Owner.Contact, intro,
			timeIn(b.CreatedAt, loc),
		})
	}
	return t, nil
}

func Matches(ctx context.Context, src Source, loc *time.Location, _ string) (Table, error) {
	intros, err := src.AllIntroductions(ctx)
	if err != nil {
		return Table{}, err
	}
	outcomes, err := src.Outcomes(ctx)
	if err != nil {
		return Table{}, err
	}
	names := map[string]string{}
	t := Table{Header: MatchColumns}
	for _, in := range intros {
		name, ok := names[in.TalentID]
		if !ok {
			talent, err := src.Talent(ctx, in.TalentID)
			if err != nil {
				return Table{}, err
			}
			name, names[in.TalentID] = talent.DisplayName, talent.DisplayName
		}
		t.Rows = append(t.Rows, []string{
			strconv.FormatInt(in.ID, 10), timeIn(in.CreatedAt, loc), in.Owner.Company, in.Owner.Contact,
			in.Problem, in.Category, in.TalentID, name, strings.Join(in.Reasons, " / "),
			string(in.Status), in.DecidedBy, timeIn(in.DecidedAt, loc), outcomes[in.ID],
		})
	}
	return t, nil
}

// Questions lists what people asked that the bot could not answer, and
// their requests to talk to staff, so that staff can answer and add to the
// FAQ.
func Questions(ctx context.Context, src Source, loc *time.Location, _ string) (Table, error) {
	qs, err := src.AllQuestions(ctx)
	if err != nil {
		return Table{}, err
	}
	t := Table{Header: QuestionColumns}
	for _, q := range qs {
		t.Rows = append(t.Rows, []string{timeIn(q.AskedAt, loc), q.Kind, q.Text, q.UserID})
	}
	return t, nil
}
