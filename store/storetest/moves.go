package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/amamibot/amamibot/store"
)

// RunMoves runs the contract of moving a registration to another date of
// its series (store.Moves).
func RunMoves(t *testing.T, open Opener) {
	runAll(t, open, []contract{
		{"Moves/ToAnotherDate", testMoveToAnotherDate},
		{"Moves/Refused", testMoveRefused},
	})
}

// dates upserts the seminars a (four days on, one seat) and b (a week on,
// one seat) of one series, and c, another seminar.
func (e *env) dates() {
	e.t.Helper()
	var seminars []store.Seminar
	for _, d := range []struct {
		id, series string
		in         time.Duration
	}{{"a", "dx", 96 * time.Hour}, {"b", "dx", 7 * 24 * time.Hour}, {"c", "", 72 * time.Hour}} {
		seminars = append(seminars, store.Seminar{ID: d.id, Title: "DXセミナー " + d.id, Series: d.series,
			StartsAt: e.now.Add(d.in), EndsAt: e.now.Add(d.in + time.Hour), Venue: "名瀬", OnlineURL: "https://example.com/" + d.id, Capacity: 1})
	}
	if err := e.s.UpsertSeminars(e.ctx, seminars); err != nil {
		e.t.Fatalf("UpsertSeminars: %v", err)
	}
}

func testMoveToAnotherDate(t *testing.T, open Opener) {
	e := newEnv(t, open)
	e.dates()
	r := e.register(e.req("a", "u1", store.Venue), store.Confirmed)
	req := e.req("a", "w1", store.Venue)
	req.Waitlist = true
	w := e.register(req, store.Waitlisted)
	e.jobStates(map[string]int{"scheduled": 2}) // u1's reminders

	res, err := e.s.MoveRegistration(e.ctx, store.MoveRequest{UserID: "u1", ID: r.ID, To: "b", Now: e.now})
	if err != nil {
		t.Fatalf("MoveRegistration: %v", err)
	}
	m := res.Moved
	if m.SeminarID != "b" || m.Status != store.Confirmed || m.Name != r.Name || m.Company != r.Company || m.Attendance != store.Venue {
		t.Errorf("moved: %+v, want a confirmed venue place at b with the same name and company", m)
	}
	e.status(r.ID, store.Canceled)
	e.booked("b", 1)
	if res.Offered == nil || res.Offered.ID != w.ID {
		t.Errorf("offered %+v, want the old seat offered to %d", res.Offered, w.ID)
	}
	e.booked("a", 1) // held for w1
	// The old reminders cancelled, the new date's made; w1 asked.
	e.jobStates(map[string]int{"scheduled": 3, "cancelled": 2, "available": 1})
}

func testMoveRefused(t *testing.T, open Opener) {
	e := newEnv(t, open)
	e.dates()
	e.register(e.req("b", "u2", store.Venue), store.Confirmed) // b's one seat
	r := e.register(e.req("a", "u1", store.Venue), store.Confirmed)
	for _, c := range []struct {
		req  store.MoveRequest
		want error
	}{
		{store.MoveRequest{UserID: "u1", ID: r.ID, To: "c"}, store.ErrOtherSeries},
		{store.MoveRequest{UserID: "u1", ID: r.ID, To: "a"}, store.ErrOtherSeries},
		{store.MoveRequest{UserID: "u1", ID: r.ID, To: "b"}, store.ErrVenueFull},
		{store.MoveRequest{UserID: "u2", ID: r.ID, To: "b"}, store.ErrNotFound},
		{store.MoveRequest{UserID: "u1", ID: r.ID, To: "nope"}, store.ErrNotFound},
	} {
		c.req.Now = e.now
		if _, err := e.s.MoveRegistration(e.ctx, c.req); !errors.Is(err, c.want) {
			t.Errorf("move to %s by %s: %v, want %v", c.req.To, c.req.UserID, err, c.want)
		}
	}
	e.status(r.ID, store.Confirmed) // nothing changed
	e.booked("a", 1)
	e.booked("b", 1)

	// To the waitlist of the full date, when asked.
	res, err := e.s.MoveRegistration(e.ctx, store.MoveRequest{UserID: "u1", ID: r.ID, To: "b", Waitlist: true, Now: e.now})
	if err != nil || res.Moved.Status != store.Waitlisted {
		t.Fatalf("move to the waitlist: %+v, %v", res.Moved, err)
	}
	e.booked("a", 0)
}
