package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/amamibot/amamibot/store"
)

// RunWaiting runs the contract tests of store.Waiting and of recording
// events with store.Options.TurnsInProcess, one fresh store per test.
func RunWaiting(t *testing.T, open Opener) {
	runAll(t, open, []contract{
		{"Waiting/UsersWithUnhandledEvents", testWaitingUsers},
		{"Waiting/InProcessRecordsNoJob", testInProcessRecordsNoJob},
	})
}

func testWaitingUsers(t *testing.T, open Opener) {
	e := newEnv(t, open)
	old, recent := e.now.Add(-time.Minute), e.now
	e.record(event("a1", "ua", old), event("a2", "ua", old), event("b1", "ub", old), event("c1", "uc", recent), event("d1", "ud", old))
	e.handled("b1")
	users, err := e.s.WaitingUsers(e.ctx, e.now.Add(-time.Second), 10)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(users)
	if !slices.Equal(users, []string{"ua", "ud"}) {
		t.Errorf("WaitingUsers = %v, want ua and ud once each (ub handled, uc recent)", users)
	}
	if users, err := e.s.WaitingUsers(e.ctx, e.now.Add(-time.Second), 1); err != nil || len(users) != 1 {
		t.Errorf("WaitingUsers(limit 1) = %v, %v, want one user", users, err)
	}
}

// testInProcessRecordsNoJob: with TurnsInProcess an event is recorded
// without a TurnArgs job, and is found waiting.
func testInProcessRecordsNoJob(t *testing.T, open Opener) {
	e := &env{t: t, ctx: t.Context(), s: open(t, store.Options{TurnsInProcess: true}), now: time.Now().UTC().Truncate(time.Second)}
	if n := e.record(event("e1", "u1", e.now.Add(-time.Minute))); n != 1 {
		t.Fatalf("RecordEvents = %d, want 1", n)
	}
	counts, err := e.s.JobCounts(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := counts["available"] + counts["scheduled"] + counts["running"] + counts["completed"]; n != 0 {
		t.Errorf("jobs after recording: %v, want none", counts)
	}
	if users, err := e.s.WaitingUsers(e.ctx, e.now, 10); err != nil || !slices.Equal(users, []string{"u1"}) {
		t.Errorf("WaitingUsers = %v, %v, want u1", users, err)
	}
}
