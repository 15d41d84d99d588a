package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/amamibot/amamibot/store"
)

// RunSignals runs the contract tests of store.Signals against the stores
// that open returns, one fresh store per test.
func RunSignals(t *testing.T, open Opener) {
	runAll(t, open, []contract{
		{"DeclinedTalents/SameProblemOnly", testDeclinedTalents},
	})
}

// testDeclinedTalents: the professionals declined for a user's problem, and
// none approved, pending, of another problem or of another user.
func testDeclinedTalents(t *testing.T, open Opener) {
	e := newConsultEnv(t, open)
	upsertTalents(t, e.s, talent("a"), talent("b"), talent("c"), talent("d"))
	req := func(userID, talentID, problem string) store.Introduction {
		r := introReq(userID, talentID, e.now)
		r.Problem = problem
		return request(t, e.s, r)
	}
	const problem = "店の売上が落ちてきた"
	e.decide(req("U1", "b", problem).ID, store.Declined, "森", e.now)
	e.decide(req("U1", "a", problem).ID, store.Declined, "森", e.now.Add(time.Minute))
	e.decide(req("U1", "c", problem).ID, store.Approved, "森", e.now)
	req("U1", "d", problem)
	e.decide(req("U1", "c", "別の悩み").ID, store.Declined, "森", e.now)
	e.decide(req("U2", "c", problem).ID, store.Declined, "森", e.now)

	got, err := e.s.DeclinedTalents(e.ctx, "U1", problem)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"b", "a"}; !slices.Equal(got, want) {
		t.Errorf("DeclinedTalents(U1) = %v, want %v (declined for this problem, in order)", got, want)
	}
	if err := e.s.DeleteUserData(e.ctx, "U1"); err != nil {
		t.Fatal(err)
	}
	if got, err := e.s.DeclinedTalents(e.ctx, "U1", ""); err != nil || len(got) != 0 {
		t.Errorf("DeclinedTalents(U1, erased problem) = %v, %v; want none", got, err)
	}
}
