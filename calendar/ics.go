package calendar

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/amamibot/amamibot/store"
)

// Handler serves GET /calendar/{file} (file: <registration id>.ics) for a
// valid signature, an expiry ahead and a confirmed registration; anything
// else is 404, so a guessed or altered URL learns nothing.
type Handler struct {
	Links         Links
	Registrations interface {
		Registration(ctx context.Context, id int64) (store.Registration, error)
	}
	Logger *slog.Logger
	Now    func() time.Time // nil: time.Now
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	if h.Now != nil {
		now = h.Now()
	}
	idText, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	id, err := strconv.ParseInt(idText, 10, 64)
	q := r.URL.Query()
	if !ok || err != nil || !h.Links.verify(id, q.Get("exp"), q.Get("sig"), now) {
		http.NotFound(w, r)
		return
	}
	reg, err := h.Registrations.Registration(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) || err == nil && reg.Status != store.Confirmed {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		h.Logger.ErrorContext(r.Context(), "calendar: read registration", "registration", id, "err", err)
		http.Error(w, "try again later", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="seminar.ics"`)
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write([]byte(ICS(reg, now)))
}

// ICS is the registration as an iCalendar (RFC 5545) event.
func ICS(reg store.Registration, now time.Time) string {
	s := reg.Seminar
	lines := []string{
		"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//amamibot//seminar//JA", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
		"BEGIN:VEVENT",
		"UID:registration-" + strconv.FormatInt(reg.ID, 10) + "@amamibot",
		"DTSTAMP:" + stamp(now),
		"DTSTART:" + stamp(s.StartsAt),
		"DTEND:" + stamp(s.EndsAt),
		"SUMMARY:" + escape(s.Title),
		"LOCATION:" + escape(where(reg)),
		"DESCRIPTION:" + escape(details(reg)),
	}
	if reg.Attendance == store.Online {
		lines = append(lines, "URL:"+s.OnlineURL)
	}
	lines = append(lines, "END:VEVENT", "END:VCALENDAR")
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(fold(l))
	}
	return b.String()
}

// escape escapes a TEXT value (RFC 5545 §3.3.11).
func escape(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`).Replace(s)
}

// fold ends a content line with CRLF, folded so that no line is longer
// than 75 octets, never inside a UTF-8 character (RFC 5545 §3.1).
func fold(line string) string {
	var b strings.Builder
	for n := 75; len(line) > n; n = 74 { // continuation lines start with a space
		cut := n
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		b.WriteString(line[:cut] + "\r\n ")
		line = line[cut:]
	}
	b.WriteString(line + "\r\n")
	return b.String()
}
