package storetest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/amamibot/amamibot/store"
)

// RunPrivacy runs the contract tests of store.Privacy against the stores
// that open returns, one fresh store per test. The stores must implement
// it.
func RunPrivacy(t *testing.T, open Opener) {
	runAll(t, open, []contract{
		{"Consent/RoundTrip", testConsentRoundTrip},
		{"Consent/FirstKept", testConsentFirstKept},
		{"DeleteUserData/Erases", testDeleteErases},
		{"DeleteUserData/KeepsStaffCounts", testDeleteKeepsStaffCounts},
		{"DeleteUserData/OtherUsers", testDeleteOtherUsers},
		{"DeleteUserData/TwiceAndUnknown", testDeleteTwice},
		{"PurgeBefore/OnlyOlder", testPurgeOnlyOlder},
		{"PurgeBefore/UnhandledSurvive", testPurgeUnhandledSurvive},
	})
}

// privacyEnv is consultEnv with the privacy helpers. Its jobs are not
// started: the tests look at records only.
type privacyEnv struct{ *consultEnv }

func newPrivacyEnv(t *testing.T, open Opener) *privacyEnv {
	t.Helper()
	return &privacyEnv{newConsultEnv(t, open)}
}

func (e *privacyEnv) consent(userID string) (time.Time, bool) {
	e.t.Helper()
	at, ok, err := e.s.Consent(e.ctx, userID)
	if err != nil {
		e.t.Fatalf("Consent(%s): %v", userID, err)
	}
	return at, ok
}

func (e *privacyEnv) recordConsent(userID string, at time.Time) {
	e.t.Helper()
	if err := e.s.RecordConsent(e.ctx, userID, at); err != nil {
		e.t.Fatalf("RecordConsent(%s): %v", userID, err)
	}
}

func (e *privacyEnv) deleteUser(userID string) {
	e.t.Helper()
	if err := e.s.DeleteUserData(e.ctx, userID); err != nil {
		e.t.Fatalf("DeleteUserData(%s): %v", userID, err)
	}
}

func (e *privacyEnv) purge(cutoff time.Time, want int) {
	e.t.Helper()
	n, err := e.s.PurgeBefore(e.ctx, cutoff)
	if err != nil {
		e.t.Fatalf("PurgeBefore(%v): %v", cutoff, err)
	}
	if n != want {
		e.t.Errorf("PurgeBefore(%v) = %d, want %d", cutoff, n, want)
	}
}

func (e *privacyEnv) session(userID string) []byte {
	e.t.Helper()
	data, err := e.s.Session(e.ctx, userID)
	if err != nil {
		e.t.Fatalf("Session(%s): %v", userID, err)
	}
	return data
}

// Consent

func testConsentRoundTrip(t *testing.T, open Opener) {
	e := newPrivacyEnv(t, open)
	if at, ok := e.consent("U1"); ok {
		t.Errorf("Consent(U1) before agreeing = %v, true; want ok=false", at)
	}
	// Agreed in Tokyo, stored and read in UTC.
	jst := time.FixedZone("JST", 9*60*60)
	at := e.now.Add(-time.Minute).In(jst)
	e.recordConsent("U1", at)
	got, ok := e.consent("U1")
	if !ok {
		t.Fatalf("Consent(U1) after agreeing: ok=false")
	}
	checkTime(t, "Consent(U1)", got, at)
	if at, ok := e.consent("U2"); ok {
		t.Errorf("Consent(U2), who never agreed = %v, true; want ok=false", at)
	}
}

func testConsentFirstKept(t *testing.T, open Opener) {
	e := newPrivacyEnv(t, open)
	first := e.now.Add(-time.Hour)
	e.recordConsent("U1", first)
	e.recordConsent("U1", e.now)                 // later
	e.recordConsent("U1", first.Add(-time.Hour)) // earlier, but recorded later
	got, ok := e.consent("U1")
	if !ok {
		t.Fatalf("Consent(U1): ok=false")
	}
	checkTime(t, "Consent(U1) after agreeing again", got, first)
}

// DeleteUserData

// userData is every kind of record a user leaves, made by userData.
type userData struct {
	userID    string
	owner     store.Owner
	confirmed store.Registration // venue seat at s1
	cancelled store.Registration // s2, online, cancelled
	pending   store.Introduction // with talent t1
	approved  store.Introduction // with talent t2, approved
	booking   store.Booking      // of the user's own slot, after the approved request
	handled   store.Event
	unhandled store.Event
	session   []byte
	consent   time.Time
}

// seedPrivacy upserts what users' records refer to: seminars s1 and s2,
// talents t1 and t2.
func (e *privacyEnv) seedPrivacy() {
	e.t.Helper()
	e.seminar("s1", 72*time.Hour, 5)
	e.seminar("s2", 96*time.Hour, 5)
	upsertTalents(e.t, e.s, talent("t1"), talent("t2"))
}

// userData gives the user one record of every kind (after seedPrivacy).
func (e *privacyEnv) userData(userID string) userData {
	e.t.Helper()
	u := userData{userID: userID, owner: e.owner(userID)}
	u.confirmed = e.register(e.req("s1", userID, store.Venue), store.Confirmed)
	u.cancelled = e.cancel(e.register(e.req("s2", userID, store.Online), store.Confirmed), e.now).Cancelled
	u.pending = request(e.t, e.s, introReq(userID, "t1", e.now.Add(-2*time.Hour)))
	approved := request(e.t, e.s, introReq(userID, "t2", e.now.Add(-time.Hour)))
	u.approved = e.decide(approved.ID, store.Approved, "山田 花子", e.now.Add(-30*time.Minute))

	e.slot("slot-"+userID, 48*time.Hour)
	b, err := e.s.BookSlot(e.ctx, store.BookRequest{SlotID: "slot-" + userID, UserID: userID, IntroductionID: u.approved.ID, Now: e.now})
	if err != nil {
		e.t.Fatalf("BookSlot(%s): %v", userID, err)
	}
	u.booking = b

	u.handled = event(userID+"-e1", userID, e.now.Add(-time.Minute))
	u.unhandled = event(userID+"-e2", userID, e.now)
	u.unhandled.Text = "山田です。株式会社奄美マルシェ、090-0000-0000"
	e.record(u.handled, u.unhandled)
	e.handled(u.handled.ID)

	u.session = []byte(`{"flow":"register","name":"名前 ` + userID + `"}`)
	if err := e.s.SaveSession(e.ctx, userID, u.session, time.Hour); err != nil {
		e.t.Fatalf("SaveSession(%s): %v", userID, err)
	}
	u.consent = e.now.Add(-3 * time.Hour)
	e.recordConsent(userID, u.consent)
	return u
}

// checkErased checks, through the store's reads, that none of u's personal
// data is left and that u's records are still there.
func (e *privacyEnv) checkErased(u userData) {
	e.t.Helper()
	t := e.t
	if o, err := e.s.Owner(e.ctx, u.userID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Owner(%s) after deletion = %+v, %v; want ErrNotFound", u.userID, o, err)
	}
	for _, want := range []store.Registration{u.confirmed, u.cancelled} {
		r, err := e.s.Registration(e.ctx, want.ID)
		if err != nil {
			t.Fatalf("Registration(%d) after deletion: %v", want.ID, err)
		}
		if r.Name != "" || r.Company != "" {
			t.Errorf("registration %d after deletion: name %q, company %q; want both empty", r.ID, r.Name, r.Company)
		}
		if r.UserID != want.UserID || r.SeminarID != want.SeminarID || r.Attendance != want.Attendance || r.Status != want.Status {
			t.Errorf("registration %d after deletion = %+v, want %+v without name and company", r.ID, r, want)
		}
	}
	for _, want := range []store.Introduction{u.pending, u.approved} {
		in := e.introduction(want.ID)
		if in.Problem != "" || len(in.Reasons) != 0 {
			t.Errorf("introduction %d after deletion: problem %q, reasons %q; want both empty", in.ID, in.Problem, in.Reasons)
		}
		if in.UserID != want.UserID || in.TalentID != want.TalentID || in.Category != want.Category ||
			in.Status != want.Status || in.DecidedBy != want.DecidedBy {
			t.Errorf("introduction %d after deletion = %+v, want %+v without problem and reasons", in.ID, in, want)
		}
		checkOwnerFilled(t, in.Owner, store.Owner{})
	}
	for _, in := range allIntroductions(t, e.s) {
		if in.UserID == u.userID && (in.Problem != "" || len(in.Reasons) != 0) {
			t.Errorf("AllIntroductions after deletion: %d has problem %q, reasons %q", in.ID, in.Problem, in.Reasons)
		}
	}
	b, err := e.s.Booking(e.ctx, u.booking.ID)
	if err != nil {
		t.Fatalf("Booking(%d) after deletion: %v", u.booking.ID, err)
	}
	if b.Status != store.Booked || b.UserID != u.userID || b.IntroductionID != u.approved.ID {
		t.Errorf("booking after deletion = %+v, want %+v", b, u.booking)
	}
	checkOwnerFilled(t, b.Owner, store.Owner{})
	if data := e.session(u.userID); data != nil {
		t.Errorf("Session(%s) after deletion = %q, want nil", u.userID, data)
	}
	if at, ok := e.consent(u.userID); ok {
		t.Errorf("Consent(%s) after deletion = %v, true; want ok=false", u.userID, at)
	}
	// The unhandled event still gets its turn, without its text.
	ev, ok := e.next(u.userID)
	if !ok || ev.ID != u.unhandled.ID || ev.Kind != u.unhandled.Kind {
		t.Fatalf("NextEvent(%s) after deletion = %+v, %t; want %s", u.userID, ev, ok, u.unhandled.ID)
	}
	if ev.Text != "" || ev.ReplyToken != "" {
		t.Errorf("NextEvent(%s) after deletion: text %q, reply token %q; want both empty", u.userID, ev.Text, ev.ReplyToken)
	}
}

// checkIntact checks, through the store's reads, that u's data is as made.
func (e *privacyEnv) checkIntact(u userData) {
	e.t.Helper()
	t := e.t
	checkOwner(t, e.s, u.owner)
	for _, want := range []store.Registration{u.confirmed, u.cancelled} {
		r, err := e.s.Registration(e.ctx, want.ID)
		if err != nil {
			t.Fatalf("Registration(%d): %v", want.ID, err)
		}
		if r.Name != want.Name || r.Company != want.Company || r.Status != want.Status {
			t.Errorf("registration %d = %+v, want %+v", r.ID, r, want)
		}
	}
	for _, want := range []store.Introduction{u.pending, u.approved} {
		in := e.introduction(want.ID)
		if in.Problem != want.Problem || !slices.Equal(in.Reasons, want.Reasons) || in.Status != want.Status {
			t.Errorf("introduction %d = %+v, want %+v", in.ID, in, want)
		}
		checkOwnerFilled(t, in.Owner, u.owner)
	}
	b, err := e.s.Booking(e.ctx, u.booking.ID)
	if err != nil {
		t.Fatalf("Booking(%d): %v", u.booking.ID, err)
	}
	checkOwnerFilled(t, b.Owner, u.owner)
	if data := e.session(u.userID); string(data) != string(u.session) {
		t.Errorf("Session(%s) = %q, want %q", u.userID, data, u.session)
	}
	if at, ok := e.consent(u.userID); !ok || !at.Equal(u.consent) {
		t.Errorf("Consent(%s) = %v, %t; want %v", u.userID, at, ok, u.consent)
	}
	ev, ok := e.next(u.userID)
	if !ok || ev.ID != u.unhandled.ID || ev.Text != u.unhandled.Text || ev.ReplyToken != u.unhandled.ReplyToken {
		t.Errorf("NextEvent(%s) = %+v, %t; want %+v", u.userID, ev, ok, u.unhandled)
	}
}

// staffView is what staff see of the records, personal data left out: the
// registrations, requests and bookings with their statuses, and the seats
// taken.
func (e *privacyEnv) staffView() string {
	e.t.Helper()
	var b strings.Builder
	regs, err := e.s.AllRegistrations(e.ctx)
	if err != nil {
		e.t.Fatalf("AllRegistrations: %v", err)
	}
	for _, r := range regs {
		fmt.Fprintf(&b, "registration %d %s %s %s %s\n", r.ID, r.SeminarID, r.UserID, r.Attendance, r.Status)
	}
	for _, in := range allIntroductions(e.t, e.s) {
		fmt.Fprintf(&b, "introduction %d %s %s %s %s %q\n", in.ID, in.UserID, in.TalentID, in.Category, in.Status, in.DecidedBy)
	}
	bs, err := e.s.AllBookings(e.ctx)
	if err != nil {
		e.t.Fatalf("AllBookings: %v", err)
	}
	for _, bk := range bs {
		fmt.Fprintf(&b, "booking %d %s %s %d %s\n", bk.ID, bk.SlotID, bk.UserID, bk.IntroductionID, bk.Status)
	}
	for _, id := range []string{"s1", "s2"} {
		fmt.Fprintf(&b, "seminar %s booked %d\n", id, e.getSeminar(id).Booked)
	}
	return b.String()
}

func testDeleteErases(t *testing.T, open Opener) {
	e := newPrivacyEnv(t, open)
	e.seedPrivacy()
	u := e.userData("U1")
	e.checkIntact(u)
	e.deleteUser("U1")
	e.checkErased(u)
}

// testDeleteKeepsStaffCounts: staff count the same records, with the same
// statuses, after a user's deletion; no seat or slot is freed by it.
func testDeleteKeepsStaffCounts(t *testing.T, open Opener) {
	e := newPrivacyEnv(t, open)
	e.seedPrivacy()
	e.userData("U1")
	e.userData("U2")
	before := e.staffView()
	if n := strings.Count(before, "\n"); n != 2*(2+2+1)+2 {
		t.Fatalf("staff view before deletion has %d lines:\n%s", n, before)
	}
	e.deleteUser("U1")
	if after := e.staffView(); after != before {
		t.Errorf("staff view after deletion:\n%s\nwant, as before:\n%s", after, before)
	}
	if got := e.available(e.now, 10); slices.Contains(got, "slot-U1") {
		t.Errorf("AvailableSlots after deletion = %v: the deleted user's booked slot was freed", got)
	}
}

func testDeleteOtherUsers(t *testing.T, open Opener) {
	e := newPrivacyEnv(t, open)
	e.seedPrivacy()
	u1, u2 := e.userData("U1"), e.userData("U2")
	e.deleteUser("U1")
	e.checkErased(u1)
	e.checkIntact(u2)
}

// testDeleteTwice: deleting again, or deleting a user the store never saw,
// is fine; a deleted user who agrees again has a new consent.
func testDeleteTwice(t *testing.T, open Opener) {
	e := newPrivacyEnv(t, open)
	e.seedPrivacy()
	u := e.userData("U1")
	e.deleteUser("nobody")
	e.checkIntact(u)
	e.deleteUser("U1")
	before := e.staffView()
	e.deleteUser("U1")
	e.checkErased(u)
	if after := e.staffView(); after != before {
		t.Errorf("staff view after deleting again:\n%s\nwant, as before:\n%s", after, before)
	}

	again := e.now.Add(time.Minute)
	e.recordConsent("U1", again)
	if at, ok := e.consent("U1"); !ok || !at.Equal(again) {
		t.Errorf("Consent(U1) after agreeing again = %v, %t; want %v", at, ok, again)
	}
}

// PurgeBefore

// testPurgeOnlyOlder: a purge erases the requests created before the
// cutoff and drops the handled events received before it, and counts
// them; requests already without personal data do not count.
func testPurgeOnlyOlder(t *testing.T, open Opener) {
	e := newPrivacyEnv(t, open)
	upsertTalents(t, e.s, talent("t1"))
	cutoff := e.now.Add(-24 * time.Hour)
	intro := func(userID string, at time.Time) store.IntroRequest {
		req := introReq(userID, "t1", at)
		request(t, e.s, req)
		return req
	}
	oldest := intro("U1", cutoff.Add(-48*time.Hour))
	old := intro("U2", cutoff.Add(-time.Microsecond))
	atCutoff := intro("U3", cutoff)
	recent := intro("U4", e.now)
	empty := introReq("U5", "t1", cutoff.Add(-time.Hour))
	empty.Problem, empty.Reasons = "", nil
	request(t, e.s, empty)
	// A deleted user's old request has nothing left to purge.
	deleted := intro("U6", cutoff.Add(-time.Hour))
	e.deleteUser("U6")

	ev := func(id, userID string, received time.Time, handled bool) store.Event {
		ev := event(id, userID, received.Add(-time.Second))
		ev.ReceivedAt = received
		e.record(ev)
		if handled {
			e.handled(id)
		}
		return ev
	}
	oldHandled := ev("old-handled", "U1", cutoff.Add(-time.Hour), true)
	oldUnhandled := ev("old-unhandled", "U2", cutoff.Add(-time.Hour), false)
	atCutoffHandled := ev("cutoff-handled", "U3", cutoff, true)
	recentHandled := ev("recent-handled", "U4", e.now, true)

	// oldest, old and oldHandled.
	e.purge(cutoff, 3)

	byUser := map[string]store.Introduction{}
	all := allIntroductions(t, e.s)
	if len(all) != 6 {
		t.Fatalf("AllIntroductions after the purge: %d requests, want all 6", len(all))
	}
	for _, in := range all {
		byUser[in.UserID] = in
		if in.Status != store.Pending || in.TalentID != "t1" || in.Category != "marketing" {
			t.Errorf("introduction %d after the purge = %+v, want it pending for t1 in marketing", in.ID, in)
		}
	}
	for _, req := range []store.IntroRequest{oldest, old, empty, deleted} {
		if in := byUser[req.UserID]; in.Problem != "" || len(in.Reasons) != 0 {
			t.Errorf("%s's request of %v after the purge: problem %q, reasons %q; want both empty", req.UserID, req.Now, in.Problem, in.Reasons)
		}
	}
	for _, req := range []store.IntroRequest{atCutoff, recent} {
		in := byUser[req.UserID]
		checkTime(t, "CreatedAt", in.CreatedAt, req.Now)
		if in.Problem != req.Problem || !slices.Equal(in.Reasons, req.Reasons) {
			t.Errorf("%s's request of %v after the purge: problem %q, reasons %q; want them kept", req.UserID, req.Now, in.Problem, in.Reasons)
		}
	}

	// The unhandled event is kept as it was.
	if got, ok := e.next("U2"); !ok || got.ID != oldUnhandled.ID || got.Text != oldUnhandled.Text || got.ReplyToken != oldUnhandled.ReplyToken {
		t.Errorf("NextEvent(U2) after the purge = %+v, %t; want %+v", got, ok, oldUnhandled)
	}

	// Nothing is left to purge at that cutoff.
	e.purge(cutoff, 0)

	// A dropped event is new again to RecordEvents; a kept one is not.
	for _, c := range []struct {
		ev   store.Event
		want int
	}{{oldHandled, 1}, {oldUnhandled, 0}, {atCutoffHandled, 0}, {recentHandled, 0}} {
		if n := e.record(c.ev); n != c.want {
			t.Errorf("RecordEvents(%s) after the purge = %d, want %d", c.ev.ID, n, c.want)
		}
	}
}

// testPurgeUnhandledSurvive: unhandled events outlive any purge, text and
// all, and keep their order, and so do replies not sent yet; once handled
// and sent, the next purge drops them.
func testPurgeUnhandledSurvive(t *testing.T, open Opener) {
	e := newPrivacyEnv(t, open)
	old := e.now.Add(-30 * 24 * time.Hour)
	evs := []store.Event{event("e1", "U1", old), event("e2", "U1", old.Add(time.Second)), event("e3", "U1", old.Add(2*time.Second))}
	e.record(evs...)
	e.purge(e.now.Add(time.Hour), 0)
	for _, want := range evs {
		got, ok := e.next("U1")
		if !ok || got.ID != want.ID || got.Text != want.Text || got.ReplyToken != want.ReplyToken {
			t.Fatalf("NextEvent(U1) after the purge = %+v, %t; want %+v", got, ok, want)
		}
		var replies []byte
		if got.ID == "e3" {
			replies = []byte(`["not sent yet"]`)
		}
		if err := e.s.MarkHandled(e.ctx, got.ID, e.now, replies); err != nil {
			t.Fatalf("MarkHandled: %v", err)
		}
	}
	if got, ok := e.next("U1"); ok {
		t.Fatalf("NextEvent(U1) after handling all = %+v, want none", got)
	}
	e.purge(e.now.Add(time.Hour), len(evs)-1)
	if err := e.s.RepliesSent(e.ctx, "e3"); err != nil {
		t.Fatalf("RepliesSent: %v", err)
	}
	e.purge(e.now.Add(time.Hour), 1)
}
