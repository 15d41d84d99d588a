package storetest

import (
	"errors"
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
		{"Signals/Recorded", testSignalsRecorded},
		{"Signals/DeclineRecords", testDeclineRecordsSignal},
		{"Signals/ErasedWithTheUserAndPurged", testSignalsErased},
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
	upsertTalents(t, e.s, talent("e"))
	last := req("U1", "e", "三つ目の悩み")
	e.decide(last.ID, store.Declined, "森", e.now.Add(2*time.Minute))
	if id, err := e.s.LastDeclined(e.ctx, "U1"); err != nil || id != last.ID {
		t.Errorf("LastDeclined(U1) = %d, %v; want %d, the request declined last", id, err, last.ID)
	}
	if _, err := e.s.LastDeclined(e.ctx, "U3"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("LastDeclined(U3, nothing declined) = %v, want ErrNotFound", err)
	}
	if err := e.s.DeleteUserData(e.ctx, "U1"); err != nil {
		t.Fatal(err)
	}
	if got, err := e.s.DeclinedTalents(e.ctx, "U1", ""); err != nil || len(got) != 0 {
		t.Errorf("DeclinedTalents(U1, erased problem) = %v, %v; want none", got, err)
	}
	if _, err := e.s.LastDeclined(e.ctx, "U1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("LastDeclined(U1) after a deletion = %v, want ErrNotFound: the problem is erased", err)
	}
}

func testSignalsRecorded(t *testing.T, open Opener) {
	e := newEnv(t, open)
	want := []store.Signal{
		{UserID: "U2", Kind: store.SignalField, Problem: "通帳を見るたびにため息", Category: "finance", At: e.now},
		{UserID: "U1", Kind: store.SignalBooked, Problem: "後継ぎがいない", Category: "succession", TalentID: "a", At: e.now.Add(time.Minute)},
	}
	for _, s := range []store.Signal{want[1], want[0]} {
		if err := e.s.RecordSignal(e.ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	got, err := e.s.AllSignals(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(got, want, sameSignal) {
		t.Errorf("AllSignals() = %+v, want %+v (oldest first)", got, want)
	}
}

func sameSignal(a, b store.Signal) bool {
	return a.UserID == b.UserID && a.Kind == b.Kind && a.Problem == b.Problem && a.Category == b.Category &&
		a.TalentID == b.TalentID && a.At.Equal(b.At)
}

// testDeclineRecordsSignal: a staff decline is a signal with the request's
// problem, field and professional; an approval is not.
func testDeclineRecordsSignal(t *testing.T, open Opener) {
	e := newConsultEnv(t, open)
	upsertTalents(t, e.s, talent("a"), talent("b"))
	declined := request(t, e.s, introReq("U1", "a", e.now))
	e.decide(declined.ID, store.Declined, "森", e.now.Add(time.Hour))
	e.decide(request(t, e.s, introReq("U1", "b", e.now)).ID, store.Approved, "森", e.now.Add(time.Hour))
	got, err := e.s.AllSignals(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := store.Signal{UserID: "U1", Kind: store.SignalDeclined, Problem: declined.Problem, Category: declined.Category,
		TalentID: "a", At: e.now.Add(time.Hour)}
	if len(got) != 1 || !sameSignal(got[0], want) {
		t.Errorf("AllSignals() after a decline and an approval = %+v, want [%+v]", got, want)
	}
}

// testSignalsErased: a user's deletion takes their signals, the retention
// purge the older ones.
func testSignalsErased(t *testing.T, open Opener) {
	e := newEnv(t, open)
	old := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, s := range []store.Signal{
		{UserID: "U1", Kind: store.SignalField, Problem: "消してほしい人の悩み", Category: "hr", At: old.AddDate(0, 6, 0)},
		{UserID: "U2", Kind: store.SignalMore, Problem: "古い悩み", Category: "hr", At: old},
		{UserID: "U2", Kind: store.SignalField, Problem: "新しい悩み", Category: "hr", At: old.AddDate(0, 6, 0)},
	} {
		if err := e.s.RecordSignal(e.ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.s.DeleteUserData(e.ctx, "U1"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.PurgeBefore(e.ctx, old.AddDate(0, 1, 0)); err != nil {
		t.Fatal(err)
	}
	got, err := e.s.AllSignals(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Problem != "新しい悩み" {
		t.Errorf("after the deletion of U1 and a purge: %+v, want only U2's recent signal", got)
	}
}
