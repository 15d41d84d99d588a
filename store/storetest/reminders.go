package storetest

import (
	"maps"
	"testing"
	"time"

	"github.com/amamibot/amamibot/store"
)

// RunReminders runs the contract of the seminar reminders: a job for each
// configured reminder ahead, made with the registration (or the claim of a seat offered)
// and cancelled with it.
func RunReminders(t *testing.T, open Opener) {
	runAll(t, open, []contract{
		{"Reminders/CancelledWithRegistration", testRemindersCancelled},
		{"Reminders/Configured", testRemindersConfigured},
	})
}

// jobStates counts the jobs by state, leaving out states with none.
func (e *env) jobStates(want map[string]int) {
	e.t.Helper()
	got, err := e.s.JobCounts(e.ctx)
	if err != nil {
		e.t.Fatalf("JobCounts: %v", err)
	}
	maps.DeleteFunc(got, func(_ string, n int) bool { return n == 0 })
	if !maps.Equal(got, want) {
		e.t.Errorf("jobs by state %v, want %v", got, want)
	}
}

func testRemindersCancelled(t *testing.T, open Opener) {
	e := newEnv(t, open) // jobs not started: they stay as inserted
	e.seminar("s", 5*24*time.Hour, 1)
	online := e.register(e.req("s", "u1", store.Online), store.Confirmed) // 3 days, the day, the hour before
	venue := e.register(e.req("s", "u2", store.Venue), store.Confirmed)   // 3 days and the day before
	req := e.req("s", "u3", store.Venue)
	req.Waitlist = true
	waiting := e.register(req, store.Waitlisted) // none while waiting
	e.jobStates(map[string]int{"scheduled": 5})

	res := e.cancel(venue, e.now)
	if res.Offered == nil || res.Offered.ID != waiting.ID {
		t.Fatalf("cancel: offered %+v, want %d", res.Offered, waiting.ID)
	}
	// u2's two reminders cancelled; u3 asked, the offer's end scheduled.
	e.jobStates(map[string]int{"scheduled": 4, "cancelled": 2, "available": 1})
	if _, err := e.s.ClaimOffer(e.ctx, "u3", waiting.ID, e.now); err != nil {
		t.Fatalf("ClaimOffer: %v", err)
	}
	e.jobStates(map[string]int{"scheduled": 6, "cancelled": 2, "available": 1}) // u3's two reminders
	e.cancel(online, e.now)
	e.jobStates(map[string]int{"scheduled": 3, "cancelled": 5, "available": 1})
}

func testRemindersConfigured(t *testing.T, open Opener) {
	e := newEnv(t, open)
	e.s = open(t, store.Options{Reminders: []store.Reminder{{Before: 2 * time.Hour}}})
	e.seminar("s", 5*24*time.Hour, 3)
	e.register(e.req("s", "u1", store.Online), store.Confirmed)
	e.register(e.req("s", "u2", store.Venue), store.Confirmed)
	e.jobStates(map[string]int{"scheduled": 2})

	e.s = open(t, store.Options{Reminders: []store.Reminder{}})
	e.seminar("s", 5*24*time.Hour, 3)
	e.register(e.req("s", "u1", store.Online), store.Confirmed)
	e.jobStates(map[string]int{})
}
