package store

import (
	"context"
	"time"
)

// Month is one month of the programme's figures, by when each thing
// happened in the display zone.
type Month struct {
	Month         string // "2026-12"
	Requests      int    // introductions requested
	Approved      int    // … and approved by staff
	Consultations int    // consultations booked (not cancelled)
	Started       int    // owners who said, a week after, that the work started
	Continuing    int    // … and, three months after that, that it is still going
	Registrations int    // seminar places confirmed (not cancelled)
	Attended      int    // seminar follow-ups to attendees
	NoShows       int    // … and to those staff did not check in
	Asked         int    // follow-ups sent
	Answered      int    // … and answered
}

// Total adds the months' figures up (Month is left empty).
func Total(months []Month) Month {
	var t Month
	for _, m := range months {
		t.Requests += m.Requests
		t.Approved += m.Approved
		t.Consultations += m.Consultations
		t.Started += m.Started
		t.Continuing += m.Continuing
		t.Registrations += m.Registrations
		t.Attended += m.Attended
		t.NoShows += m.NoShows
		t.Asked += m.Asked
		t.Answered += m.Answered
	}
	return t
}

// Reports reads the programme's figures for staff.
type Reports interface {
	// Months returns the figures by month, oldest first.
	Months(ctx context.Context, loc *time.Location) ([]Month, error)
}
