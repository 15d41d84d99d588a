package storetest

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/amamibot/amamibot/match"
	"github.com/amamibot/amamibot/store"
)

// RunConsult runs the contract tests of store.Staffing and
// store.Consultations against the stores that open returns, one fresh store
// per test. The stores must implement both.
func RunConsult(t *testing.T, open Opener) {
	runAll(t, open, []contract{
		{"Introduction/WithOwner", testIntroductionWithOwner},
		{"RequestIntroduction/OneAlert", testRequestOneAlert},
		{"DecideIntroduction/Approve", func(t *testing.T, open Opener) { testDecide(t, open, store.Approved) }},
		{"DecideIntroduction/Decline", func(t *testing.T, open Opener) { testDecide(t, open, store.Declined) }},
		{"DecideIntroduction/AlreadyDecided", testDecideAlready},
		{"DecideIntroduction/FirstWins", testDecideFirstWins},
		{"DecideIntroduction/NotFound", testDecideNotFound},
		{"DecideIntroduction/NotADecision", testDecideNotADecision},
		{"DecideIntroduction/RequestAgain", testDecideRequestAgain},
		{"SetAlert", testSetAlert},
		{"PendingIntroductions", testPendingIntroductions},
		{"Talent", testTalent},
		{"SeminarRegistrations", testSeminarRegistrations},
		{"UpsertSlots/CreatesAndReads", testUpsertSlotsCreates},
		{"UpsertSlots/AllOrNone", testUpsertSlotsAllOrNone},
		{"Slot/NotFound", testSlotNotFound},
		{"AvailableSlots", testAvailableSlots},
		{"BookSlot/Books", testBookSlot},
		{"BookSlot/Taken", testBookSlotTaken},
		{"BookSlot/StartedOrUnknown", testBookSlotRefused},
		{"BookSlot/Concurrent", testBookSlotConcurrent},
		{"CancelBooking/FreesSlot", testCancelBooking},
		{"CancelBooking/NotFound", testCancelBookingNotFound},
		{"CancelBooking/Concurrent", testCancelBookingConcurrent},
		{"Jobs/BookingNotices", testBookingNotices},
		{"Jobs/BookingReminders", testBookingReminders},
		{"UserBookings", testUserBookings},
		{"UpcomingBookings", testUpcomingBookings},
		{"AllBookings", testAllBookings},
	})
}

// consultEnv is env with the helpers of the introduction and consultation path.
type consultEnv struct{ *env }

// newConsultEnv opens a store whose jobs of the introduction and
// consultation path are logged when they run (see env). Jobs start with
// startJobs.
func newConsultEnv(t *testing.T, open Opener) *consultEnv {
	t.Helper()
	jobs := &jobLog{}
	workers := jobs.workers()
	// The suite's own workers may log some already: then they stay.
	_ = river.AddWorkerSafely(workers, record[store.IntroAlertArgs](jobs))
	_ = river.AddWorkerSafely(workers, record[store.AlertUpdateArgs](jobs))
	_ = river.AddWorkerSafely(workers, record[store.OwnerDecisionArgs](jobs))
	_ = river.AddWorkerSafely(workers, record[store.BookingNoticeArgs](jobs))
	_ = river.AddWorkerSafely(workers, record[store.BookingReminderArgs](jobs))
	s := open(t, store.Options{Workers: workers, MaxWorkers: 1, FetchPollInterval: 50 * time.Millisecond})
	return &consultEnv{&env{t: t, ctx: t.Context(), s: s, jobs: jobs, now: time.Now().UTC().Truncate(time.Second)}}
}

// owner saves an owner and returns it.
func (e *consultEnv) owner(userID string) store.Owner {
	e.t.Helper()
	o := store.Owner{UserID: userID, Name: "奄美 " + userID, Company: "奄美ﾏﾙｼｪ " + userID, Contact: "0997-00-0000", UpdatedAt: e.now.Add(-time.Hour)}
	if err := e.s.SaveOwner(e.ctx, o); err != nil {
		e.t.Fatalf("SaveOwner: %v", err)
	}
	return o
}

func (e *consultEnv) decide(id int64, status store.IntroStatus, by string, now time.Time) store.Introduction {
	e.t.Helper()
	in, err := e.s.DecideIntroduction(e.ctx, id, store.Decision{Status: status, By: by, Now: now})
	if err != nil {
		e.t.Fatalf("DecideIntroduction(%d, %s): %v", id, status, err)
	}
	return in
}

func (e *consultEnv) introduction(id int64) store.Introduction {
	e.t.Helper()
	in, err := e.s.Introduction(e.ctx, id)
	if err != nil {
		e.t.Fatalf("Introduction(%d): %v", id, err)
	}
	return in
}

// slot upserts a slot starting in startsIn (from e.now), lasting an hour.
func (e *consultEnv) slot(id string, startsIn time.Duration) store.Slot {
	e.t.Helper()
	sl := store.Slot{
		ID:       id,
		StartsAt: e.now.Add(startsIn),
		EndsAt:   e.now.Add(startsIn + time.Hour),
		Host:     "相談員 " + id,
		Mode:     store.ConsultOnline,
	}
	if err := e.s.UpsertSlots(e.ctx, []store.Slot{sl}); err != nil {
		e.t.Fatalf("UpsertSlots: %v", err)
	}
	return sl
}

// book books a slot from the menu at now.
func (e *consultEnv) book(slotID, userID string, now time.Time) store.Booking {
	e.t.Helper()
	b, err := e.s.BookSlot(e.ctx, store.BookRequest{SlotID: slotID, UserID: userID, Now: now})
	if err != nil {
		e.t.Fatalf("BookSlot(%s, %s): %v", slotID, userID, err)
	}
	if b.ID == 0 || b.SlotID != slotID || b.UserID != userID || b.Status != store.Booked || b.Slot.ID != slotID {
		e.t.Fatalf("BookSlot(%s, %s) = %+v", slotID, userID, b)
	}
	return b
}

func (e *consultEnv) cancelBooking(b store.Booking) store.Booking {
	e.t.Helper()
	got, err := e.s.CancelBooking(e.ctx, b.UserID, b.ID, e.now)
	if err != nil {
		e.t.Fatalf("CancelBooking(%d): %v", b.ID, err)
	}
	if got.ID != b.ID || got.Status != store.BookingCanceled || got.Slot.ID != b.SlotID {
		e.t.Fatalf("CancelBooking(%d) = %+v, want it cancelled with its slot", b.ID, got)
	}
	return got
}

func (e *consultEnv) available(now time.Time, limit int) []string {
	e.t.Helper()
	slots, err := e.s.AvailableSlots(e.ctx, now, limit)
	if err != nil {
		e.t.Fatalf("AvailableSlots: %v", err)
	}
	return slotIDs(slots)
}

func checkSlot(t *testing.T, got, want store.Slot) {
	t.Helper()
	if got.ID != want.ID || got.Host != want.Host || got.Mode != want.Mode {
		t.Errorf("slot = %+v, want %+v", got, want)
	}
	checkTime(t, "StartsAt", got.StartsAt, want.StartsAt)
	checkTime(t, "EndsAt", got.EndsAt, want.EndsAt)
}

// checkOwnerFilled checks that a read filled the owner want; the zero
// Owner stands for an owner who never gave details.
func checkOwnerFilled(t *testing.T, got, want store.Owner) {
	t.Helper()
	if got.UserID != want.UserID || got.Name != want.Name || got.Company != want.Company || got.Contact != want.Contact {
		t.Errorf("Owner = %+v, want %+v", got, want)
	}
	if want.UpdatedAt.IsZero() {
		if !got.UpdatedAt.IsZero() {
			t.Errorf("Owner.UpdatedAt = %v, want the zero time", got.UpdatedAt)
		}
		return
	}
	checkTime(t, "Owner.UpdatedAt", got.UpdatedAt, want.UpdatedAt)
}

// checkDecided checks that in is the request req decided as d, with owner o.
func checkDecided(t *testing.T, in store.Introduction, id int64, req store.IntroRequest, d store.Decision, o store.Owner) {
	t.Helper()
	if in.ID != id || in.UserID != req.UserID || in.TalentID != req.TalentID || in.Problem != req.Problem ||
		in.Category != req.Category || !slices.Equal(in.Reasons, req.Reasons) {
		t.Errorf("introduction = %+v, want %d for %+v", in, id, req)
	}
	if in.Status != d.Status || in.DecidedBy != d.By {
		t.Errorf("introduction %d: %s by %q, want %s by %q", in.ID, in.Status, in.DecidedBy, d.Status, d.By)
	}
	checkTime(t, "CreatedAt", in.CreatedAt, req.Now)
	checkTime(t, "DecidedAt", in.DecidedAt, d.Now)
	checkOwnerFilled(t, in.Owner, o)
}

// Staffing

func testIntroductionWithOwner(t *testing.T, open Opener) {
	e := newConsultEnv(t, open)
	upsertTalents(t, e.s, talent("a"))
	o := e.owner("U1")
	req := introReq("U1", "a", e.now)
	in := request(t, e.s, req)
	anon := request(t, e.s, introReq("U2", "a", e.now)) // no details given

	got := e.introduction(in.ID)
	checkIntroduction(t, got, req)
	checkOwnerFilled(t, got.Owner, o)
	if got.DecidedBy != "" || !got.DecidedAt.IsZero() || got.AlertChannel != "" || got.AlertTS != "" {
		t.Errorf("Introduction(%d) of a new request = %+v, want no decision and no alert", in.ID, got)
	}
	checkOwnerFilled(t, e.introduction(anon.ID).Owner, store.Owner{})

	if _, err := e.s.Introduction(e.ctx, anon.ID+100); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Introduction(unknown): err = %v, want ErrNotFound", err)
	}
}

// testRequestOneAlert: a request, asked for twice, alerts staff once.
func testRequestOneAlert(t *testing.T, open Opener) {
	e := newConsultEnv(t, open)
	e.startJobs()
	upsertTalents(t, e.s, talent("a"))
	in := request(t, e.s, introReq("U1", "a", e.now))
	if _, err := e.s.RequestIntroduction(e.ctx, introReq("U1", "a", e.now)); !errors.Is(err, store.ErrAlreadyRequested) {
		t.Fatalf("RequestIntroduction again: err = %v, want ErrAlreadyRequested", err)
	}
	checkJobs(t, e.drain(), store.IntroAlertArgs{IntroductionID: in.ID})
}

func testDecide(t *testing.T, open Opener, status store.IntroStatus) {
	e := newConsultEnv(t, open)
	e.startJobs()
	upsertTalents(t, e.s, talent("a"))
	o := e.owner("U1")
	req := introReq("U1", "a", e.now)
	in := request(t, e.s, req)

	// Decided in Tokyo, stored and read in UTC.
	jst := time.FixedZone("JST", 9*60*60)
	d := store.Decision{Status: status, By: "山田 花子", Now: e.now.Add(90 * time.Second).In(jst)}
	got, err := e.s.DecideIntroduction(e.ctx, in.ID, d)
	if err != nil {
		t.Fatalf("DecideIntroduction: %v", err)
	}
	checkDecided(t, got, in.ID, req, d, o)
	checkDecided(t, e.introduction(in.ID), in.ID, req, d, o)

	checkJobs(t, e.drain(),
		store.IntroAlertArgs{IntroductionID: in.ID},
		store.OwnerDecisionArgs{IntroductionID: in.ID},
		store.AlertUpdateArgs{IntroductionID: in.ID},
	)
}

// testDecideAlready: a second decision, the same or the other, changes
// nothing and says who decided first; the owner and staff hear once.
func testDecideAlready(t *testing.T, open Opener) {
	e := newConsultEnv(t, open)
	e.startJobs()
	upsertTalents(t, e.s, talent("a"))
	req := introReq("U1", "a", e.now)
	in := request(t, e.s, req)
	first := store.Decision{Status: store.Declined, By: "staff-1", Now: e.now.Add(time.Minute)}
	e.decide(in.ID, first.Status, first.By, first.Now)

	for _, d := range []store.Decision{
		{Status: store.Approved, By: "staff-2", Now: e.now.Add(2 * time.Minute)},
		{Status: store.Declined, By: "staff-1", Now: e.now.Add(3 * time.Minute)}, // a double click
	} {
		got, err := e.s.DecideIntroduction(e.ctx, in.ID, d)
		if !errors.Is(err, store.ErrAlreadyDecided) {
			t.Fatalf("DecideIntroduction(%s by %s) again: err = %v, want ErrAlreadyDecided", d.Status, d.By, err)
		}
		checkDecided(t, got, in.ID, req, first, store.Owner{})
	}
	checkDecided(t, e.introduction(in.ID), in.ID, req, first, store.Owner{})

	checkJobs(t, e.drain(),
		store.IntroAlertArgs{IntroductionID: in.ID},
		store.OwnerDecisionArgs{IntroductionID: in.ID},
		store.AlertUpdateArgs{IntroductionID: in.ID},
	)
}

// testDecideFirstWins: staff click approve and decline at once: one
// decision wins, every other caller hears which.
func testDecideFirstWins(t *testing.T, open Opener) {
	e := newConsultEnv(t, open)
	e.startJobs()
	upsertTalents(t, e.s, talent("a"))
	in := request(t, e.s, introReq("U1", "a", e.now))

	const n = 10
	var (
		mu       sync.Mutex
		returned []store.Introduction
	)
	won, already := Race(t, n, store.ErrAlreadyDecided, func(i int) error {
		status := store.Approved
		if i%2 == 1 {
			status = store.Declined
		}
		got, err := e.s.DecideIntroduction(e.ctx, in.ID, store.Decision{Status: status, By: fmt.Sprint("staff-", i), Now: e.now})
		if err == nil || errors.Is(err, store.ErrAlreadyDecided) {
			mu.Lock()
			returned = append(returned, got)
			mu.Unlock()
		}
		return err
	})
	if won != 1 || already != n-1 {
		t.Fatalf("%d decisions won, %d ErrAlreadyDecided; want 1 and %d", won, already, n-1)
	}
	final := e.introduction(in.ID)
	if final.Status == store.Pending || final.DecidedBy == "" {
		t.Fatalf("Introduction after the decisions = %+v, want it decided", final)
	}
	for _, got := range returned {
		if got.ID != in.ID || got.Status != final.Status || got.DecidedBy != final.DecidedBy {
			t.Errorf("a caller got %d %s by %q, want %d %s by %q",
				got.ID, got.Status, got.DecidedBy, in.ID, final.Status, final.DecidedBy)
		}
	}
	checkJobs(t, e.drain(),
		store.IntroAlertArgs{IntroductionID: in.ID},
		store.OwnerDecisionArgs{IntroductionID: in.ID},
		store.AlertUpdateArgs{IntroductionID: in.ID},
	)
}

func testDecideNotFound(t *testing.T, open Opener) {
	e := newConsultEnv(t, open)
	e.startJobs()
	upsertTalents(t, e.s, talent("a"))
	in := request(t, e.s, introReq("U1", "a", e.now))
	_, err := e.s.DecideIntroduction(e.ctx, in.ID+100, store.Decision{Status: store.Approved, By: "staff", Now: e.now})
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("DecideIntroduction(unknown): err = %v, want ErrNotFound", err)
	}
	checkJobs(t, e.drain(), store.IntroAlertArgs{IntroductionID: in.ID})
}

// testDecideNotADecision: pending (or anything else) is not a decision.
func testDecideNotADecision(t *testing.T, open Opener) {
	e := newConsultEnv(t, open)
	upsertTalents(t, e.s, talent("a"))
	req := introReq("U1", "a", e.now)
	in := request(t, e.s, req)
	for _, status := range []store.IntroStatus{store.Pending, "maybe", ""} {
		_, err := e.s.DecideIntroduction(e.ctx, in.ID, store.Decision{Status: status, By: "staff", Now: e.now})
		if err == nil || errors.Is(err, store.ErrAlreadyDecided) || errors.Is(err, store.ErrNotFound) {
			t.Errorf("DecideIntroduction(%q): err = %v, want a refusal", status, err)
		}
	}
	checkIntroduction(t, e.introduction(in.ID), req)
}

// testDecideRequestAgain: once a request is decided, the owner may ask for
// the same professional again.
func testDecideRequestAgain(t *testing.T, open Opener) {
	e := newConsultEnv(t, open)
	e.startJobs()
	upsertTalents(t, e.s, talent("a"))
	first := request(t, e.s, introReq("U1", "a", e.now))
	e.decide(first.ID, store.Declined, "staff", e.now)
	req := introReq("U1", "a", e.now.Add(time.Hour))
	again := request(t, e.s, req)
	if again.ID == first.ID {
		t.Fatalf("RequestIntroduction after a decision returned the decided request %d", first.ID)
	}
	checkIntroduction(t, e.introduction(again.ID), req)
	checkJobs(t, e.drain(),
		store.IntroAlertArgs{IntroductionID: first.ID},
		store.OwnerDecisionArgs{IntroductionID: first.ID},
		store.AlertUpdateArgs{IntroductionID: first.ID},
		store.IntroAlertArgs{IntroductionID: again.ID},
	)
}

func testSetAlert(t *testing.T, open Opener) {
	e := newConsultEnv(t, open)
	upsertTalents(t, e.s, talent("a"))
	in := request(t, e.s, introReq("U1", "a", e.now))
	checkAlert := func(channel, ts string) {
		t.Helper()
		got := e.introduction(in.ID)
		if got.AlertChannel != channel || got.AlertTS != ts {
			t.Errorf("alert = %q %q, want %q %q", got.AlertChannel, got.AlertTS, channel, ts)
		}
	}
	setAlert := func(channel, ts string) {
		t.Helper()
		if err := e.s.SetAlert(e.ctx, in.ID, channel, ts); err != nil {
			t.Fatalf("SetAlert(%q, %q): %v", channel, ts, err)
		}
	}
	setAlert("C0123ABCD", "1767225600.000100")
	checkAlert("C0123ABCD", "1767225600.000100")
	setAlert("C0123ABCD", "1767225600.000100") // a retried alert job
	checkAlert("C0123ABCD", "1767225600.000100")

	// A decision keeps the alert, the alert keeps the decision.
	e.decide(in.ID, store.Approved, "staff", e.now)
	checkAlert("C0123ABCD", "1767225600.000100")
	setAlert("C0123ABCD", "1767225699.000200")
	checkAlert("C0123ABCD", "1767225699.000200")
	if got := e.introduction(in.ID); got.Status != store.Approved || got.DecidedBy != "staff" {
		t.Errorf("after SetAlert: %s by %q, want approved by staff", got.Status, got.DecidedBy)
	}

	if err := e.s.SetAlert(e.ctx, in.ID+100, "C0123ABCD", "1767225600.000100"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SetAlert(unknown): err = %v, want ErrNotFound", err)
	}
	for _, bad := range [][2]string{{"", "1767225600.000100"}, {"C0123ABCD", ""}, {"", ""}} {
		if err := e.s.SetAlert(e.ctx, in.ID, bad[0], bad[1]); err == nil {
			t.Errorf("SetAlert(%q, %q): no error", bad[0], bad[1])
		}
	}
	checkAlert("C0123ABCD", "1767225699.000200")
}

func testPendingIntroductions(t *testing.T, open Opener) {
	e := newConsultEnv(t, open)
	pending := func() []store.Introduction {
		t.Helper()
		ins, err := e.s.PendingIntroductions(e.ctx)
		if err != nil {
			t.Fatalf("PendingIntroductions: %v", err)
		}
		return ins
	}
	if ins := pending(); len(ins) != 0 {
		t.Errorf("PendingIntroductions of an empty store = %v, want none", introIDs(ins))
	}
	upsertTalents(t, e.s, talent("a"), talent("b"))
	o := e.owner("U1")
	lateReq := introReq("U1", "a", e.now.Add(2*time.Hour))
	late := request(t, e.s, lateReq)
	decided := request(t, e.s, introReq("U2", "a", e.now))
	middle := request(t, e.s, introReq("U3", "b", e.now.Add(time.Hour)))
	early := request(t, e.s, introReq("U4", "b", e.now.Add(-time.Hour)))
	e.decide(decided.ID, store.Approved, "staff", e.now)
	e.decide(early.ID, store.Declined, "staff", e.now)

	ins := pending()
	if got, want := introIDs(ins), []int64{middle.ID, late.ID}; !slices.Equal(got, want) {
		t.Fatalf("PendingIntroductions = %v, want %v (oldest first, decided left out)", got, want)
	}
	checkOwnerFilled(t, ins[0].Owner, store.Owner{})
	checkIntroduction(t, ins[1], lateReq)
	checkOwnerFilled(t, ins[1].Owner, o)
}

func testTalent(t *testing.T, open Opener) {
	e := newConsultEnv(t, open)
	a, b := talent("a"), talent("b")
	b.Categories = nil
	upsertTalents(t, e.s, a, b)
	for _, want := range []match.Talent{a, b} {
		got, err := e.s.Talent(e.ctx, want.ID)
		if err != nil {
			t.Fatalf("Talent(%s): %v", want.ID, err)
		}
		if !equalTalents(got, want) {
			t.Errorf("Talent(%s) = %+v, want %+v", want.ID, got, want)
		}
	}
	if _, err := e.s.Talent(e.ctx, "missing"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Talent(missing): err = %v, want ErrNotFound", err)
	}
}

func testSeminarRegistrations(t *testing.T, open Opener) {
	e := newConsultEnv(t, open)
	e.seminar("s", 72*time.Hour, 1)
	e.seminar("other", 48*time.Hour, 5)
	e.seminar("empty", 24*time.Hour, 5)
	at := func(userID string, a store.Attendance, after time.Duration, waitlist bool) store.RegisterRequest {
		req := e.req("s", userID, a)
		req.Now, req.Waitlist = e.now.Add(after), waitlist
		return req
	}
	// Created in another order than inserted: the roster is by creation.
	seated := e.register(at("u1", store.Venue, 2*time.Minute, false), store.Confirmed)
	online := e.register(at("u2", store.Online, time.Minute, false), store.Confirmed)
	waiting := e.register(at("u3", store.Venue, 3*time.Minute, true), store.Waitlisted)
	gone := e.register(at("u4", store.Online, 4*time.Minute, false), store.Confirmed)
	e.cancel(gone, e.now)
	e.register(e.req("other", "u1", store.Venue), store.Confirmed)

	regs, err := e.s.SeminarRegistrations(e.ctx, "s")
	if err != nil {
		t.Fatalf("SeminarRegistrations: %v", err)
	}
	if got, want := ids(regs), []int64{online.ID, seated.ID, waiting.ID, gone.ID}; !slices.Equal(got, want) {
		t.Fatalf("SeminarRegistrations = %v, want %v (by creation, all statuses)", got, want)
	}
	want := []store.RegStatus{store.Confirmed, store.Confirmed, store.Waitlisted, store.Canceled}
	for i, r := range regs {
		if r.Status != want[i] || r.Seminar.ID != "s" || r.Name == "" {
			t.Errorf("SeminarRegistrations[%d] = %+v, want status %s with its seminar", i, r, want[i])
		}
	}

	if regs, err := e.s.SeminarRegistrations(e.ctx, "empty"); err != nil || len(regs) != 0 {
		t.Errorf("SeminarRegistrations(empty) = %v, %v; want none", ids(regs), err)
	}
	if _, err := e.s.SeminarRegistrations(e.ctx, "missing"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SeminarRegistrations(missing): err = %v, want ErrNotFound", err)
	}
}

// Consultations

func testUpsertSlotsCreates(t *testing.T, open Opener) {
	e := newConsultEnv(t, open)
	jst := time.FixedZone("JST", 9*60*60)
	a := store.Slot{
		ID:       "a",
		StartsAt: time.Date(2030, 12, 11, 15, 0, 0, 0, jst),
		EndsAt:   time.Date(2030, 12, 11, 15, 45, 0, 0, jst),
		Host:     "奄美 相談員 🌺",
		Mode:     store.ConsultVenue,
	}
	b := store.Slot{
		ID:       "b",
		StartsAt: time.Date(2030, 12, 12, 1, 0, 0, 0, time.UTC),
		EndsAt:   time.Date(2030, 12, 12, 1, 30, 0, 0, time.UTC),
		Host:     "ｵﾝﾗｲﾝ担当",
		Mode:     store.ConsultOnline,
	}
	if err := e.s.UpsertSlots(e.ctx, []store.Slot{a, b}); err != nil {
		t.Fatalf("UpsertSlots: %v", err)
	}
	get := func(id string) store.Slot {
		t.Helper()
		sl, err := e.s.Slot(e.ctx, id)
		if err != nil {
			t.Fatalf("Slot(%s): %v", id, err)
		}
		return sl
	}
	checkSlot(t, get("a"), a)
	checkSlot(t, get("b"), b)

	a.StartsAt, a.EndsAt = a.StartsAt.Add(time.Hour), a.EndsAt.Add(2*time.Hour)
	a.Host, a.Mode = "別の相談員", store.ConsultOnline
	if err := e.s.UpsertSlots(e.ctx, []store.Slot{a}); err != nil {
		t.Fatalf("UpsertSlots (update): %v", err)
	}
	checkSlot(t, get("a"), a)
	checkSlot(t, get("b"), b)
	if err := e.s.UpsertSlots(e.ctx, nil); err != nil {
		t.Errorf("UpsertSlots(nil): %v", err)
	}
}

func testUpsertSlotsAllOrNone(t *testing.T, open Opener) {
	e := newConsultEnv(t, open)
	a := e.slot("a", 72*time.Hour)
	changed := a
	changed.Host = "changed"
	b := a
	b.ID = "b"
	for name, bad := range map[string]store.Slot{
		"an empty ID":         {ID: "", StartsAt: a.StartsAt, EndsAt: a.EndsAt, Mode: store.ConsultVenue},
		"an unknown mode":     {ID: "c", StartsAt: a.StartsAt, EndsAt: a.EndsAt, Mode: "phone"},
		"an end before start": {ID: "c", StartsAt: a.EndsAt, EndsAt: a.StartsAt, Mode: store.ConsultVenue},
	} {
		if err := e.s.UpsertSlots(e.ctx, []store.Slot{changed, b, bad}); err == nil {
			t.Errorf("UpsertSlots with %s: no error", name)
		}
	}
	got, err := e.s.Slot(e.ctx, "a")
	if err != nil {
		t.Fatalf("Slot(a): %v", err)
	}
	checkSlot(t, got, a)
	if _, err := e.s.Slot(e.ctx, "b"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Slot(b) after a failed upsert: err = %v, want ErrNotFound", err)
	}
}

func testSlotNotFound(t *testing.T, open Opener) {
	e := newConsultEnv(t, open)
	if _, err := e.s.Slot(e.ctx, "missing"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Slot(missing): err = %v, want ErrNotFound", err)
	}
}

func testAvailableSlots(t *testing.T, open Opener) {
	e := newConsultEnv(t, open)
	if got := e.available(e.now, 10); len(got) != 0 {
		t.Errorf("AvailableSlots of an empty store = %v, want none", got)
	}
	e.slot("past", -time.Hour)
	e.slot("now", 0) // starts at now: not after now
	e.slot("plus3h", 3*time.Hour)
	e.slot("plus1h", time.Hour)
	e.slot("plus2h", 2*time.Hour)
	// Stored in another zone, ordered by the instant.
	jst := time.FixedZone("JST", 9*60*60)
	at := e.now.Add(90 * time.Minute).In(jst)
	if err := e.s.UpsertSlots(e.ctx, []store.Slot{{ID: "plus90m", StartsAt: at, EndsAt: at.Add(time.Hour), Mode: store.ConsultVenue}}); err != nil {
		t.Fatalf("UpsertSlots: %v", err)
	}

	all := []string{"plus1h", "plus90m", "plus2h", "plus3h"}
	if got := e.available(e.now, 10); !slices.Equal(got, all) {
		t.Errorf("AvailableSlots = %v, want %v", got, all)
	}
	if got := e.available(e.now, 2); !slices.Equal(got, all[:2]) {
		t.Errorf("AvailableSlots(limit 2) = %v, want %v", got, all[:2])
	}
	if got := e.available(e.now, 0); !slices.Equal(got, all) {
		t.Errorf("AvailableSlots(limit 0) = %v, want all: %v", got, all)
	}
	if got := e.available(e.now.Add(2*time.Hour), 10); !slices.Equal(got, []string{"plus3h"}) {
		t.Errorf("AvailableSlots(now+2h) = %v, want [plus3h]", got)
	}

	b := e.book("plus90m", "u1", e.now)
	if got, want := e.available(e.now, 10), []string{"plus1h", "plus2h", "plus3h"}; !slices.Equal(got, want) {
		t.Errorf("AvailableSlots with plus90m booked = %v, want %v", got, want)
	}
	e.cancelBooking(b)
	if got := e.available(e.now, 10); !slices.Equal(got, all) {
		t.Errorf("AvailableSlots after the cancellation = %v, want %v", got, all)
	}
}

func testBookSlot(t *testing.T, open Opener) {
	e := newConsultEnv(t, open)
	upsertTalents(t, e.s, talent("a"))
	o := e.owner("U1")
	in := request(t, e.s, introReq("U1", "a", e.now))
	sl := e.slot("s", 72*time.Hour)
	menu := e.slot("m", 48*time.Hour)

	jst := time.FixedZone("JST", 9*60*60)
	now := e.now.Add(1500 * time.Millisecond).In(jst)
	b, err := e.s.BookSlot(e.ctx, store.BookRequest{SlotID: "s", UserID: "U1", IntroductionID: in.ID, Now: now})
	if err != nil {
		t.Fatalf("BookSlot: %v", err)
	}
	check := func(name string, got store.Booking) {
		t.Helper()
		if got.ID != b.ID || got.SlotID != "s" || got.UserID != "U1" || got.IntroductionID != in.ID || got.Status != store.Booked {
			t.Errorf("%s = %+v, want U1's booking of s for introduction %d", name, got, in.ID)
		}
		checkTime(t, name+": CreatedAt", got.CreatedAt, now)
		checkSlot(t, got.Slot, sl)
		checkOwnerFilled(t, got.Owner, o)
	}
	if b.ID == 0 {
		t.Fatal("BookSlot: booking ID 0")
	}
	check("BookSlot", b)
	got, err := e.s.Booking(e.ctx, b.ID)
	if err != nil {
		t.Fatalf("Booking(%d): %v", b.ID, err)
	}
	check("Booking", got)

	// From the menu, by someone who gave no details.
	m := e.book("m", "U2", e.now)
	got, err = e.s.Booking(e.ctx, m.ID)
	if err != nil {
		t.Fatalf("Booking(%d): %v", m.ID, err)
	}
	if got.IntroductionID != 0 || got.ID == b.ID {
		t.Errorf("Booking(%d) = %+v, want one without an introduction", m.ID, got)
	}
	checkSlot(t, got.Slot, menu)
	checkOwnerFilled(t, got.Owner, store.Owner{})

	if _, err := e.s.Booking(e.ctx, m.ID+100); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Booking(unknown): err = %v, want ErrNotFound", err)
	}
}

func testBookSlotTaken(t *testing.T, open Opener) {
	e := newConsultEnv(t, open)
	e.slot("s", 72*time.Hour)
	first := e.book("s", "U1", e.now)
	for _, userID := range []string{"U2", "U1"} { // another owner, and a double tap
		if _, err := e.s.BookSlot(e.ctx, store.BookRequest{SlotID: "s", UserID: userID, Now: e.now}); !errors.Is(err, store.ErrSlotTaken) {
			t.Errorf("BookSlot(s) by %s: err = %v, want ErrSlotTaken", userID, err)
		}
	}
	all, err := e.s.AllBookings(e.ctx)
	if err != nil {
		t.Fatalf("AllBookings: %v", err)
	}
	if got := bookingIDs(all); !slices.Equal(got, []int64{first.ID}) {
		t.Errorf("AllBookings = %v, want [%d]", got, first.ID)
	}
}

// testBookSlotRefused: a slot that has started or does not exist cannot be
// booked, and a refused booking leaves nothing behind, no job either.
func testBookSlotRefused(t *testing.T, open Opener) {
	e := newConsultEnv(t, open)
	e.startJobs()
	e.slot("started", -10*time.Minute)
	e.slot("now", 0)
	e.slot("s", 72*time.Hour)
	for _, id := range []string{"started", "now", "missing"} {
		if _, err := e.s.BookSlot(e.ctx, store.BookRequest{SlotID: id, UserID: "U1", Now: e.now}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("BookSlot(%s): err = %v, want ErrNotFound", id, err)
		}
	}
	// An introduction that does not exist.
	if _, err := e.s.BookSlot(e.ctx, store.BookRequest{SlotID: "s", UserID: "U1", IntroductionID: 12345, Now: e.now}); err == nil {
		t.Error("BookSlot for an unknown introduction: no error")
	}
	if all, err := e.s.AllBookings(e.ctx); err != nil || len(all) != 0 {
		t.Errorf("AllBookings = %v, %v; want none", bookingIDs(all), err)
	}
	if got := e.available(e.now, 10); !slices.Equal(got, []string{"s"}) {
		t.Errorf("AvailableSlots = %v, want [s]", got)
	}
	checkJobs(t, e.drain())
}

// testBookSlotConcurrent: twenty owners take the same slot at once; one
// gets it.
func testBookSlotConcurrent(t *testing.T, open Opener) {
	e := newConsultEnv(t, open)
	e.startJobs()
	e.slot("s", time.Hour) // the reminder's time has passed: only the notice
	const n = 20
	var winner atomic.Int64
	booked, taken := Race(t, n, store.ErrSlotTaken, func(i int) error {
		b, err := e.s.BookSlot(e.ctx, store.BookRequest{SlotID: "s", UserID: fmt.Sprintf("u%02d", i), Now: e.now})
		if err == nil {
			winner.Store(b.ID)
		}
		return err
	})
	if booked != 1 || taken != n-1 {
		t.Fatalf("%d booked, %d ErrSlotTaken; want 1 and %d", booked, taken, n-1)
	}
	all, err := e.s.AllBookings(e.ctx)
	if err != nil {
		t.Fatalf("AllBookings: %v", err)
	}
	if got := bookingIDs(all); !slices.Equal(got, []int64{winner.Load()}) {
		t.Errorf("AllBookings = %v, want [%d]", got, winner.Load())
	}
	checkJobs(t, e.drain(), store.BookingNoticeArgs{BookingID: winner.Load(), Status: store.Booked})
}

func testCancelBooking(t *testing.T, open Opener) {
	e := newConsultEnv(t, open)
	o := e.owner("U1")
	sl := e.slot("s", 72*time.Hour)
	b := e.book("s", "U1", e.now)

	got := e.cancelBooking(b)
	checkSlot(t, got.Slot, sl)
	checkOwnerFilled(t, got.Owner, o)
	if got, err := e.s.Booking(e.ctx, b.ID); err != nil || got.Status != store.BookingCanceled {
		t.Errorf("Booking(%d) after the cancellation: %s, %v; want cancelled", b.ID, got.Status, err)
	}
	if got := e.available(e.now, 10); !slices.Equal(got, []string{"s"}) {
		t.Errorf("AvailableSlots after the cancellation = %v, want [s]", got)
	}

	// The freed slot can be booked again, by anyone.
	again := e.book("s", "U2", e.now)
	if again.ID == b.ID {
		t.Errorf("the booking after a cancellation has the cancelled one's ID %d", b.ID)
	}
	if got, err := e.s.Booking(e.ctx, b.ID); err != nil || got.Status != store.BookingCanceled {
		t.Errorf("Booking(%d) after another booked the slot: %s, %v; want cancelled", b.ID, got.Status, err)
	}
}

func testCancelBookingNotFound(t *testing.T, open Opener) {
	e := newConsultEnv(t, open)
	e.startJobs()
	e.slot("s", time.Hour)
	e.slot("t", time.Hour)
	mine := e.book("s", "U1", e.now)
	theirs := e.book("t", "U2", e.now)
	e.cancelBooking(mine)
	for name, c := range map[string]struct {
		userID string
		id     int64
	}{
		"twice":           {"U1", mine.ID},
		"someone else's":  {"U1", theirs.ID},
		"an unknown one":  {"U1", theirs.ID + 100},
		"without a user":  {"", theirs.ID},
		"the other's own": {"U2", mine.ID},
	} {
		if _, err := e.s.CancelBooking(e.ctx, c.userID, c.id, e.now); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("CancelBooking %s: err = %v, want ErrNotFound", name, err)
		}
	}
	if got, err := e.s.Booking(e.ctx, theirs.ID); err != nil || got.Status != store.Booked {
		t.Errorf("Booking(%d) = %s, %v; want still booked", theirs.ID, got.Status, err)
	}
	checkJobs(t, e.drain(),
		store.BookingNoticeArgs{BookingID: mine.ID, Status: store.Booked},
		store.BookingNoticeArgs{BookingID: theirs.ID, Status: store.Booked},
		store.BookingNoticeArgs{BookingID: mine.ID, Status: store.BookingCanceled},
	)
}

// testCancelBookingConcurrent: a cancellation sent ten times at once
// cancels once and tells staff once.
func testCancelBookingConcurrent(t *testing.T, open Opener) {
	e := newConsultEnv(t, open)
	e.startJobs()
	e.slot("s", time.Hour)
	b := e.book("s", "U1", e.now)
	const n = 10
	cancelled, notFound := Race(t, n, store.ErrNotFound, func(int) error {
		_, err := e.s.CancelBooking(e.ctx, "U1", b.ID, e.now)
		return err
	})
	if cancelled != 1 || notFound != n-1 {
		t.Errorf("%d cancelled, %d ErrNotFound; want 1 and %d", cancelled, notFound, n-1)
	}
	checkJobs(t, e.drain(),
		store.BookingNoticeArgs{BookingID: b.ID, Status: store.Booked},
		store.BookingNoticeArgs{BookingID: b.ID, Status: store.BookingCanceled},
	)
}

// testBookingNotices: staff hear of every booking and cancellation, and of
// nothing that failed.
func testBookingNotices(t *testing.T, open Opener) {
	e := newConsultEnv(t, open)
	e.startJobs()
	e.slot("s", time.Hour) // the reminder's time has passed: notices only
	first := e.book("s", "U1", e.now)
	if _, err := e.s.BookSlot(e.ctx, store.BookRequest{SlotID: "s", UserID: "U2", Now: e.now}); !errors.Is(err, store.ErrSlotTaken) {
		t.Fatalf("BookSlot of a taken slot: err = %v, want ErrSlotTaken", err)
	}
	e.cancelBooking(first)
	if _, err := e.s.CancelBooking(e.ctx, "U1", first.ID, e.now); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("CancelBooking twice: err = %v, want ErrNotFound", err)
	}
	second := e.book("s", "U2", e.now)
	checkJobs(t, e.drain(),
		store.BookingNoticeArgs{BookingID: first.ID, Status: store.Booked},
		store.BookingNoticeArgs{BookingID: first.ID, Status: store.BookingCanceled},
		store.BookingNoticeArgs{BookingID: second.ID, Status: store.Booked},
	)
}

// testBookingReminders: a booking schedules its reminder exactly when the
// reminder's time is after req.Now. As in testReminders, a reminder
// scheduled in the past (by the wall clock) runs at once.
func testBookingReminders(t *testing.T, open Opener) {
	e := newConsultEnv(t, open)
	e.startJobs()
	e.slot("early", time.Hour)
	e.slot("late", time.Hour)
	// Booked two days ahead: the reminder, 23 hours ago, is after then.
	early := e.book("early", "U1", e.now.Add(-48*time.Hour))
	// Booked now: the reminder's time has passed.
	late := e.book("late", "U2", e.now)
	checkJobs(t, e.drain(),
		store.BookingNoticeArgs{BookingID: early.ID, Status: store.Booked},
		store.BookingReminderArgs{BookingID: early.ID},
		store.BookingNoticeArgs{BookingID: late.ID, Status: store.Booked},
	)
}

// bookingsFixture is the set of bookings the list tests read: U1 and U2
// book slots that ended, are under way, start soon and later, and cancel
// some.
type bookingsFixture struct {
	ended, ongoing, soon, later store.Booking // U1's
	cancelled, rebooked         store.Booking // slot "other": U1's cancelled, then U2's
	theirsCancelled, theirs     store.Booking // slot "free": U2's cancelled, then U2's again
	owner                       store.Owner   // U1; U2 gave no details
}

func (e *consultEnv) bookingsFixture() bookingsFixture {
	e.t.Helper()
	var f bookingsFixture
	f.owner = e.owner("U1")
	e.slot("ended", -3*time.Hour)
	e.slot("ongoing", -30*time.Minute)
	e.slot("later", 48*time.Hour)
	e.slot("soon", time.Hour)
	e.slot("other", 24*time.Hour)
	e.slot("free", 30*time.Hour)
	before := e.now.Add(-4 * time.Hour) // booked before the slots started

	f.later = e.book("later", "U1", e.now)
	f.ended = e.book("ended", "U1", before)
	f.ongoing = e.book("ongoing", "U1", before)
	f.soon = e.book("soon", "U1", e.now)
	f.cancelled = e.book("other", "U1", e.now)
	e.cancelBooking(f.cancelled)
	f.rebooked = e.book("other", "U2", e.now.Add(time.Minute))
	f.theirsCancelled = e.book("free", "U2", e.now)
	e.cancelBooking(f.theirsCancelled)
	f.theirs = e.book("free", "U2", e.now.Add(time.Minute))
	return f
}

func testUserBookings(t *testing.T, open Opener) {
	e := newConsultEnv(t, open)
	f := e.bookingsFixture()
	bs, err := e.s.UserBookings(e.ctx, "U1", e.now)
	if err != nil {
		t.Fatalf("UserBookings: %v", err)
	}
	if got, want := bookingIDs(bs), bookingIDs([]store.Booking{f.ongoing, f.soon, f.later}); !slices.Equal(got, want) {
		t.Fatalf("UserBookings(U1) = %v, want %v (active, not ended, soonest first)", got, want)
	}
	for _, b := range bs {
		if b.Slot.ID != b.SlotID || b.Slot.Host == "" {
			t.Errorf("UserBookings: %+v, want its slot", b)
		}
		checkOwnerFilled(t, b.Owner, f.owner)
	}
	if bs, err := e.s.UserBookings(e.ctx, "nobody", e.now); err != nil || len(bs) != 0 {
		t.Errorf("UserBookings(nobody) = %v, %v; want none", bookingIDs(bs), err)
	}
	// Later, fewer have not ended.
	bs, err = e.s.UserBookings(e.ctx, "U1", e.now.Add(3*time.Hour))
	if got, want := bookingIDs(bs), []int64{f.later.ID}; err != nil || !slices.Equal(got, want) {
		t.Errorf("UserBookings(U1, now+3h) = %v, %v; want %v", got, err, want)
	}
}

func testUpcomingBookings(t *testing.T, open Opener) {
	e := newConsultEnv(t, open)
	if bs, err := e.s.UpcomingBookings(e.ctx, e.now); err != nil || len(bs) != 0 {
		t.Errorf("UpcomingBookings of an empty store = %v, %v; want none", bookingIDs(bs), err)
	}
	f := e.bookingsFixture()
	bs, err := e.s.UpcomingBookings(e.ctx, e.now)
	if err != nil {
		t.Fatalf("UpcomingBookings: %v", err)
	}
	want := []store.Booking{f.ongoing, f.soon, f.rebooked, f.theirs, f.later}
	if got := bookingIDs(bs); !slices.Equal(got, bookingIDs(want)) {
		t.Fatalf("UpcomingBookings = %v, want %v (everyone's active, not ended, soonest first)", got, bookingIDs(want))
	}
	for i, b := range bs {
		if b.UserID != want[i].UserID || b.Slot.ID != want[i].SlotID {
			t.Errorf("UpcomingBookings[%d] = %+v, want %s's booking of %s with its slot", i, b, want[i].UserID, want[i].SlotID)
		}
		if b.UserID == "U1" {
			checkOwnerFilled(t, b.Owner, f.owner)
		} else {
			checkOwnerFilled(t, b.Owner, store.Owner{})
		}
	}
}

func testAllBookings(t *testing.T, open Opener) {
	e := newConsultEnv(t, open)
	if bs, err := e.s.AllBookings(e.ctx); err != nil || len(bs) != 0 {
		t.Errorf("AllBookings of an empty store = %v, %v; want none", bookingIDs(bs), err)
	}
	f := e.bookingsFixture()
	bs, err := e.s.AllBookings(e.ctx)
	if err != nil {
		t.Fatalf("AllBookings: %v", err)
	}
	// By slot start, then creation: a slot's cancelled booking before the
	// one that took its place.
	want := []store.Booking{f.ended, f.ongoing, f.soon, f.cancelled, f.rebooked, f.theirsCancelled, f.theirs, f.later}
	if got := bookingIDs(bs); !slices.Equal(got, bookingIDs(want)) {
		t.Fatalf("AllBookings = %v, want %v", got, bookingIDs(want))
	}
	for i, b := range bs {
		status := store.Booked
		if b.ID == f.cancelled.ID || b.ID == f.theirsCancelled.ID {
			status = store.BookingCanceled
		}
		if b.Status != status || b.UserID != want[i].UserID || b.Slot.ID != want[i].SlotID {
			t.Errorf("AllBookings[%d] = %+v, want %s's %s booking of %s with its slot", i, b, want[i].UserID, status, want[i].SlotID)
		}
		checkTime(t, "CreatedAt", b.CreatedAt, want[i].CreatedAt)
		if b.UserID == "U1" {
			checkOwnerFilled(t, b.Owner, f.owner)
		}
	}
}
