package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/amamibot/amamibot/store"
)

// RunFollowups runs the contract tests of store.Followups against the
// stores that open returns, one fresh store per test.
func RunFollowups(t *testing.T, open Opener) {
	runAll(t, open, []contract{
		{"Followups/DueOnce", testFollowupsDueOnce},
		{"Followups/Answer", testFollowupsAnswer},
		{"Followups/OutcomeOfTheIntroduction", testFollowupOutcome},
		{"Followups/EngagementAfterThreeMonths", testEngagementFollowup},
		{"Reports/Months", testReportMonths},
	})
}

// pastSeminar registers users at a seminar that ended 25 hours before e.now.
func (e *env) pastSeminar(id string, users ...string) []store.Registration {
	e.t.Helper()
	e.seminar(id, -27*time.Hour, 10)
	var regs []store.Registration
	for _, u := range users {
		req := e.req(id, u, store.Venue)
		req.Now = e.now.Add(-72 * time.Hour)
		regs = append(regs, e.register(req, store.Confirmed))
	}
	return regs
}

func testFollowupsDueOnce(t *testing.T, open Opener) {
	e := newEnv(t, open)
	regs := e.pastSeminar("s", "U1", "U2", "U3")
	e.cancel(regs[2], e.now.Add(-30*time.Hour)) // cancelled: no follow-up
	if err := e.s.MarkAttendance(e.ctx, regs[0].ID, true, "森", e.now); err != nil {
		t.Fatal(err)
	}
	at := e.now.Add(-7*24*time.Hour - 2*time.Hour)
	if err := e.s.UpsertSlots(e.ctx, []store.Slot{{ID: "c1", StartsAt: at, EndsAt: at.Add(45 * time.Minute), Host: "田中", Mode: store.ConsultVenue}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.BookSlot(e.ctx, store.BookRequest{SlotID: "c1", UserID: "U4", Now: at.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}

	got, err := e.s.DueFollowups(e.ctx, e.now)
	if err != nil {
		t.Fatal(err)
	}
	attended := map[string]bool{}
	kinds := map[string]string{}
	for _, f := range got {
		attended[f.UserID], kinds[f.UserID] = f.Attended, f.Kind
	}
	if len(got) != 3 || kinds["U1"] != store.FollowSeminar || kinds["U4"] != store.FollowConsultation || kinds["U3"] != "" {
		t.Fatalf("due follow-ups %+v, want U1 and U2 (seminar) and U4 (consultation)", got)
	}
	if !attended["U1"] || attended["U2"] {
		t.Errorf("attended = %v: U1 was marked, so unmarked U2 is a no-show", attended)
	}
	if again, err := e.s.DueFollowups(e.ctx, e.now.Add(time.Hour)); err != nil || len(again) != 0 {
		t.Errorf("DueFollowups again = %+v, %v; want none (each once)", again, err)
	}
}

func testFollowupsAnswer(t *testing.T, open Opener) {
	e := newEnv(t, open)
	e.pastSeminar("s", "U1", "U2")
	fs, err := e.s.DueFollowups(e.ctx, e.now)
	if err != nil || len(fs) != 2 {
		t.Fatalf("DueFollowups = %+v, %v", fs, err)
	}
	byUser := map[string]store.Followup{}
	for _, f := range fs {
		byUser[f.UserID] = f
	}
	open1, err := e.s.OpenFollowup(e.ctx, "U1", e.now.Add(-time.Hour))
	if err != nil || open1.ID != byUser["U1"].ID {
		t.Errorf("OpenFollowup(U1) = %+v, %v", open1, err)
	}
	if _, err := e.s.AnswerFollowup(e.ctx, "U2", byUser["U1"].ID, "5", e.now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("answering another's follow-up: err = %v, want ErrNotFound", err)
	}
	if f, err := e.s.AnswerFollowup(e.ctx, "U1", byUser["U1"].ID, "5", e.now); err != nil || f.Answer != "5" {
		t.Errorf("AnswerFollowup = %+v, %v", f, err)
	}
	if _, err := e.s.AnswerFollowup(e.ctx, "U1", byUser["U1"].ID, "1", e.now); !errors.Is(err, store.ErrAnswered) {
		t.Errorf("answering twice: err = %v, want ErrAnswered", err)
	}
	if _, err := e.s.OpenFollowup(e.ctx, "U1", e.now.Add(-time.Hour)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("OpenFollowup after the answer: err = %v, want ErrNotFound", err)
	}
	if err := e.s.DeleteUserData(e.ctx, "U2"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.AnswerFollowup(e.ctx, "U2", byUser["U2"].ID, "4", e.now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("answering after the data was deleted: err = %v, want ErrNotFound (not recorded)", err)
	}
}

func testFollowupOutcome(t *testing.T, open Opener) {
	e := newConsultEnv(t, open)
	upsertTalents(t, e.s, talent("a"))
	e.owner("U1")
	in := request(t, e.s, introReq("U1", "a", e.now.Add(-10*24*time.Hour)))
	e.slot("s", -7*24*time.Hour-2*time.Hour)
	if _, err := e.s.BookSlot(e.ctx, store.BookRequest{SlotID: "s", UserID: "U1", IntroductionID: in.ID, Now: e.now.Add(-9 * 24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	fs, err := e.s.DueFollowups(e.ctx, e.now)
	if err != nil || len(fs) != 1 || fs[0].IntroductionID != in.ID {
		t.Fatalf("DueFollowups = %+v, %v; want one for introduction %d", fs, err, in.ID)
	}
	if _, err := e.s.AnswerFollowup(e.ctx, "U1", fs[0].ID, store.OutcomeStarted, e.now); err != nil {
		t.Fatal(err)
	}
	if got, err := e.s.Outcomes(e.ctx); err != nil || len(got) != 1 || got[in.ID] != store.OutcomeStarted {
		t.Errorf("Outcomes = %v, %v; want introduction %d started", got, err, in.ID)
	}
}

// testEngagementFollowup: three months after an owner answered 始まった,
// one follow-up asks whether the work goes on; its answer becomes the
// introduction's outcome and is counted. A user who deleted their data gets
// none.
func testEngagementFollowup(t *testing.T, open Opener) {
	e := newConsultEnv(t, open)
	upsertTalents(t, e.s, talent("a"))
	intros := map[string]int64{}
	for i, u := range []string{"U1", "U2", "U3"} {
		e.owner(u)
		in := request(t, e.s, introReq(u, "a", e.now.Add(-10*24*time.Hour)))
		slot := "s" + u
		e.slot(slot, -7*24*time.Hour-2*time.Hour-time.Duration(i)*time.Hour)
		if _, err := e.s.BookSlot(e.ctx, store.BookRequest{SlotID: slot, UserID: u, IntroductionID: in.ID, Now: e.now.Add(-9 * 24 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		intros[u] = in.ID
	}
	fs, err := e.s.DueFollowups(e.ctx, e.now)
	if err != nil || len(fs) != 3 {
		t.Fatalf("DueFollowups = %+v, %v; want three consultation follow-ups", fs, err)
	}
	for _, f := range fs {
		answer := store.OutcomeStarted
		if f.UserID == "U3" {
			answer = store.OutcomeConsidering // no engagement: no follow-up
		}
		if _, err := e.s.AnswerFollowup(e.ctx, f.UserID, f.ID, answer, e.now); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.s.DeleteUserData(e.ctx, "U2"); err != nil {
		t.Fatal(err)
	}

	early := e.now.Add(store.EngagementFollowupAfter - time.Hour)
	if fs, err := e.s.DueFollowups(e.ctx, early); err != nil || len(fs) != 0 {
		t.Fatalf("DueFollowups an hour before three months = %+v, %v; want none", fs, err)
	}
	later := e.now.Add(store.EngagementFollowupAfter + time.Hour)
	fs, err = e.s.DueFollowups(e.ctx, later)
	if err != nil || len(fs) != 1 || fs[0].UserID != "U1" || fs[0].Kind != store.FollowEngagement || fs[0].IntroductionID != intros["U1"] {
		t.Fatalf("DueFollowups three months on = %+v, %v; want one engagement follow-up to U1", fs, err)
	}
	if again, err := e.s.DueFollowups(e.ctx, later.Add(time.Hour)); err != nil || len(again) != 0 {
		t.Fatalf("DueFollowups again = %+v, %v; want none (created once)", again, err)
	}
	if _, err := e.s.AnswerFollowup(e.ctx, "U1", fs[0].ID, store.OutcomeContinuing, later); err != nil {
		t.Fatal(err)
	}
	if got, err := e.s.Outcomes(e.ctx); err != nil || got[intros["U1"]] != store.OutcomeContinuing {
		t.Errorf("Outcomes = %v, %v; want introduction %d continuing", got, err, intros["U1"])
	}
	months, err := e.s.Months(e.ctx, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if total := store.Total(months); total.Started != 1 || total.Continuing != 1 {
		t.Errorf("figures = %+v; want 1 started (U2's answer went with their data) and 1 continuing", total)
	}
}

func testReportMonths(t *testing.T, open Opener) {
	e := newConsultEnv(t, open)
	regs := e.pastSeminar("s", "U1", "U2", "U3")
	if err := e.s.MarkAttendance(e.ctx, regs[0].ID, true, "森", e.now); err != nil {
		t.Fatal(err)
	}
	upsertTalents(t, e.s, talent("a"))
	e.owner("U4")
	in := request(t, e.s, introReq("U4", "a", e.now.Add(-10*24*time.Hour)))
	e.decide(in.ID, store.Approved, "森", e.now.Add(-9*24*time.Hour))
	e.slot("c", -7*24*time.Hour-2*time.Hour)
	if _, err := e.s.BookSlot(e.ctx, store.BookRequest{SlotID: "c", UserID: "U4", IntroductionID: in.ID, Now: e.now.Add(-9 * 24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	fs, err := e.s.DueFollowups(e.ctx, e.now)
	if err != nil || len(fs) != 4 {
		t.Fatalf("DueFollowups = %+v, %v", fs, err)
	}
	for _, f := range fs {
		answer := "4"
		if f.Kind == store.FollowConsultation {
			answer = store.OutcomeStarted
		}
		if f.UserID != "U3" {
			if _, err := e.s.AnswerFollowup(e.ctx, f.UserID, f.ID, answer, e.now); err != nil {
				t.Fatal(err)
			}
		}
	}
	months, err := e.s.Months(e.ctx, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	total := store.Total(months)
	want := store.Month{Requests: 1, Approved: 1, Consultations: 1, Started: 1, Registrations: 3, Attended: 1, NoShows: 2, Asked: 4, Answered: 3}
	if total != want {
		t.Errorf("figures summed over %d months = %+v, want %+v", len(months), total, want)
	}
}
