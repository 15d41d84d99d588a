// Package storetest is the contract test suite of store.Store: every backend
// runs Run and passes it unchanged.
//
// The suite sees jobs the only way a user of the store can: it opens each
// store with recording workers (store.Options.Workers), starts the jobs and
// looks at what ran. A job that must not exist is checked with a sentinel:
// jobs are worked one at a time (MaxWorkers 1) in River's fetch order, so
// once a sentinel scheduled after them has run, every job that was due
// before it has run too.
package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/amamibot/amamibot/store"
)

// Opener opens an empty store of the backend under test with opts and
// arranges (t.Cleanup) for its jobs to stop and for it to close.
type Opener func(t *testing.T, opts store.Options) store.Store

// Run runs the contract suite against the stores that open returns, one
// fresh store per test.
func Run(t *testing.T, open Opener) {
	runAll(t, open, []contract{
		{"UpsertSeminars/CreatesAndReads", testUpsertCreates},
		{"UpsertSeminars/KeepsBooked", testUpsertKeepsBooked},
		{"UpsertSeminars/AllOrNone", testUpsertAllOrNone},
		{"UpcomingSeminars", testUpcoming},
		{"Seminar/NotFound", testSeminarNotFound},
		{"Register/Venue", testRegisterVenue},
		{"Register/Online", testRegisterOnline},
		{"Register/VenueFull", testRegisterVenueFull},
		{"Register/Waitlist", testRegisterWaitlist},
		{"Register/AlreadyRegistered", testRegisterAlready},
		{"Register/AgainAfterCancel", testRegisterAfterCancel},
		{"Register/UnknownSeminar", testRegisterUnknownSeminar},
		{"Register/ConcurrentSeats", testRegisterConcurrentSeats},
		{"Register/ConcurrentSameUser", testRegisterConcurrentSameUser},
		{"CancelRegistration/FreesSeat", testCancelFreesSeat},
		{"CancelRegistration/PromotesFirstWaitlisted", testCancelPromotes},
		{"UpsertSeminars/MoreSeatsPromote", testMoreSeatsPromote},
		{"CancelRegistration/NoSeatFreed", testCancelNoSeatFreed},
		{"CancelRegistration/NotFound", testCancelNotFound},
		{"CancelRegistration/Concurrent", testCancelConcurrent},
		{"Registration", testRegistration},
		{"UserRegistrations", testUserRegistrations},
		{"AllRegistrations", testAllRegistrations},
		{"Jobs/Reminders", testReminders},
		{"Jobs/Promotion", testPromotionJobs},
		{"Jobs/InsertJob", testInsertJob},
		{"RecordEvents/Dedupe", testRecordEventsDedupe},
		{"RecordEvents/Concurrent", testRecordEventsConcurrent},
		{"NextEvent/Order", testNextEventOrder},
		{"MarkHandled/Idempotent", testMarkHandled},
		{"Turn/Excludes", testTurnExcludes},
		{"Turn/CtxCancel", testTurnCtxCancel},
		{"Turn/Concurrent", testTurnConcurrent},
		{"Turn/Atomic", testTurnAtomic},
		{"Turn/FailedEffect", testTurnFailedEffect},
		{"Turn/Outbox", testTurnOutbox},
		{"Sessions", testSessions},
		{"Sessions/Expire", testSessionsExpire},
		{"Ping", testPing},
	})
}

// Race calls try(0) … try(n-1) at once, as replicas and double clicks do,
// and counts the calls that succeeded and those refused with the sentinel
// refusal (errors.Is); any other error fails the test. The suites use it to
// show that the database, not a read-then-write in Go, settles a race.
func Race(t *testing.T, n int, refusal error, try func(i int) error) (won, refused int) {
	t.Helper()
	var w, r atomic.Int32
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			switch err := try(i); {
			case err == nil:
				w.Add(1)
			case errors.Is(err, refusal):
				r.Add(1)
			default:
				t.Errorf("call %d of %d: %v", i, n, err)
			}
		})
	}
	wg.Wait()
	return int(w.Load()), int(r.Load())
}

// contract is one test of the suite.
type contract struct {
	name string
	run  func(t *testing.T, open Opener)
}

// runAll runs the tests as parallel subtests, each opening its own store.
func runAll(t *testing.T, open Opener, tests []contract) {
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.run(t, open)
		})
	}
}

// env is one test's store, clock and job log.
type env struct {
	t    *testing.T
	ctx  context.Context
	s    store.Store
	jobs *jobLog
	now  time.Time
}

func newEnv(t *testing.T, open Opener) *env {
	t.Helper()
	jobs := &jobLog{}
	s := open(t, store.Options{
		Workers:           jobs.workers(),
		MaxWorkers:        1,
		FetchPollInterval: 50 * time.Millisecond,
	})
	return &env{t: t, ctx: t.Context(), s: s, jobs: jobs, now: time.Now().UTC().Truncate(time.Second)}
}

func (e *env) startJobs() {
	e.t.Helper()
	if err := e.s.StartJobs(e.ctx); err != nil {
		e.t.Fatalf("StartJobs: %v", err)
	}
}

// seminar upserts a seminar starting in startsIn (from e.now), lasting 90
// minutes, with both a venue and an online URL.
func (e *env) seminar(id string, startsIn time.Duration, capacity int) store.Seminar {
	e.t.Helper()
	s := store.Seminar{
		ID:        id,
		Title:     "副業人材活用セミナー " + id,
		StartsAt:  e.now.Add(startsIn),
		EndsAt:    e.now.Add(startsIn + 90*time.Minute),
		Venue:     "奄美市名瀬 AiAi ひろば",
		OnlineURL: "https://example.com/meet/" + id,
		Capacity:  capacity,
	}
	if err := e.s.UpsertSeminars(e.ctx, []store.Seminar{s}); err != nil {
		e.t.Fatalf("UpsertSeminars: %v", err)
	}
	return s
}

func (e *env) req(seminarID, userID string, a store.Attendance) store.RegisterRequest {
	return store.RegisterRequest{
		SeminarID:  seminarID,
		UserID:     userID,
		Attendance: a,
		Name:       "名前 " + userID,
		Company:    "会社 " + userID,
		Now:        e.now,
	}
}

// register registers and fails the test unless the result has status want.
func (e *env) register(req store.RegisterRequest, want store.RegStatus) store.Registration {
	e.t.Helper()
	r, err := e.s.Register(e.ctx, req)
	if err != nil {
		e.t.Fatalf("Register(%s, %s, %s): %v", req.SeminarID, req.UserID, req.Attendance, err)
	}
	if r.Status != want {
		e.t.Fatalf("Register(%s, %s, %s): status %s, want %s", req.SeminarID, req.UserID, req.Attendance, r.Status, want)
	}
	return r
}

func (e *env) cancel(r store.Registration, now time.Time) store.CancelResult {
	e.t.Helper()
	res, err := e.s.CancelRegistration(e.ctx, r.UserID, r.ID, now)
	if err != nil {
		e.t.Fatalf("CancelRegistration(%d): %v", r.ID, err)
	}
	if res.Cancelled.ID != r.ID || res.Cancelled.Status != store.Canceled {
		e.t.Fatalf("CancelRegistration(%d): cancelled %d with status %s", r.ID, res.Cancelled.ID, res.Cancelled.Status)
	}
	return res
}

func (e *env) getSeminar(id string) store.Seminar {
	e.t.Helper()
	s, err := e.s.Seminar(e.ctx, id)
	if err != nil {
		e.t.Fatalf("Seminar(%s): %v", id, err)
	}
	return s
}

func (e *env) booked(id string, want int) {
	e.t.Helper()
	if got := e.getSeminar(id).Booked; got != want {
		e.t.Errorf("seminar %s: Booked = %d, want %d", id, got, want)
	}
}

func (e *env) status(id int64, want store.RegStatus) {
	e.t.Helper()
	r, err := e.s.Registration(e.ctx, id)
	if err != nil {
		e.t.Fatalf("Registration(%d): %v", id, err)
	}
	if r.Status != want {
		e.t.Errorf("registration %d: status %s, want %s", id, r.Status, want)
	}
}

func checkSeminar(t *testing.T, got, want store.Seminar) {
	t.Helper()
	if got.ID != want.ID || got.Title != want.Title || got.Venue != want.Venue ||
		got.OnlineURL != want.OnlineURL || got.Capacity != want.Capacity || got.Booked != want.Booked {
		t.Errorf("seminar = %+v, want %+v", got, want)
	}
	checkTime(t, "StartsAt", got.StartsAt, want.StartsAt)
	checkTime(t, "EndsAt", got.EndsAt, want.EndsAt)
}

// checkTime checks that got is the instant want, in UTC.
func checkTime(t *testing.T, name string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) {
		t.Errorf("%s = %v, want %v", name, got, want)
	}
	if got.Location() != time.UTC {
		t.Errorf("%s = %v: not in UTC", name, got)
	}
}

// idsOf lists the IDs of records, to compare lists by what they hold.
func idsOf[T any, K comparable](records []T, id func(T) K) []K {
	out := make([]K, len(records))
	for i, r := range records {
		out[i] = id(r)
	}
	return out
}

func ids(rs []store.Registration) []int64 {
	return idsOf(rs, func(r store.Registration) int64 { return r.ID })
}
func seminarIDs(ss []store.Seminar) []string {
	return idsOf(ss, func(s store.Seminar) string { return s.ID })
}
func slotIDs(ss []store.Slot) []string { return idsOf(ss, func(s store.Slot) string { return s.ID }) }
func bookingIDs(bs []store.Booking) []int64 {
	return idsOf(bs, func(b store.Booking) int64 { return b.ID })
}
func introIDs(ins []store.Introduction) []int64 {
	return idsOf(ins, func(in store.Introduction) int64 { return in.ID })
}

// eventually polls cond until it holds or 30 seconds have passed.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// jobLog records the jobs that ran.
type jobLog struct {
	mu       sync.Mutex
	ran      []river.JobArgs
	sentinel int
}

// sentinelArgs marks a point in the job queue; see drain.
type sentinelArgs struct {
	N int `json:"n"`
}

func (sentinelArgs) Kind() string { return "storetest_sentinel" }

func record[T river.JobArgs](l *jobLog) river.Worker[T] {
	return river.WorkFunc(func(ctx context.Context, job *river.Job[T]) error {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.ran = append(l.ran, job.Args)
		return nil
	})
}

func (l *jobLog) workers() *river.Workers {
	w := river.NewWorkers()
	river.AddWorker(w, record[store.TurnArgs](l))
	river.AddWorker(w, record[store.ReminderArgs](l))
	river.AddWorker(w, record[store.PromotedArgs](l))
	river.AddWorker(w, record[store.OfferArgs](l))
	river.AddWorker(w, record[store.OfferExpiryArgs](l))
	river.AddWorker(w, record[store.PushArgs](l))
	river.AddWorker(w, record[store.ReplyArgs](l))
	river.AddWorker(w, record[store.HandoffAlertArgs](l))
	river.AddWorker(w, record[store.HandoffThreadArgs](l))
	river.AddWorker(w, record[store.HandoffPushArgs](l))
	river.AddWorker(w, record[sentinelArgs](l))
	return w
}

// drain waits until every job due now has run and returns all the jobs that
// ran so far, sentinels left out. It inserts a sentinel scheduled a moment
// from now: River fetches by scheduled time, so with one worker the sentinel
// runs after every job scheduled before it. Scheduled jobs wait for River's
// scheduler, which runs every few seconds.
func (e *env) drain() []river.JobArgs {
	e.t.Helper()
	l := e.jobs
	l.mu.Lock()
	l.sentinel++
	n := l.sentinel
	l.mu.Unlock()
	opts := &river.InsertOpts{ScheduledAt: time.Now().Add(10 * time.Millisecond)}
	if err := e.s.InsertJob(e.ctx, sentinelArgs{N: n}, opts); err != nil {
		e.t.Fatalf("InsertJob(sentinel): %v", err)
	}
	var ran []river.JobArgs
	eventually(e.t, "the jobs to run", func() bool {
		l.mu.Lock()
		defer l.mu.Unlock()
		if !slices.ContainsFunc(l.ran, func(a river.JobArgs) bool { return a == river.JobArgs(sentinelArgs{N: n}) }) {
			return false
		}
		ran = slices.DeleteFunc(slices.Clone(l.ran), func(a river.JobArgs) bool {
			_, ok := a.(sentinelArgs)
			return ok
		})
		return true
	})
	return ran
}

// checkJobs checks that exactly the jobs want ran, in any order.
func checkJobs(t *testing.T, got []river.JobArgs, want ...river.JobArgs) {
	t.Helper()
	key := func(a river.JobArgs) string { return fmt.Sprintf("%s %+v", a.Kind(), a) }
	g := make([]string, len(got))
	for i, a := range got {
		g[i] = key(a)
	}
	w := make([]string, len(want))
	for i, a := range want {
		w[i] = key(a)
	}
	slices.Sort(g)
	slices.Sort(w)
	if !slices.Equal(g, w) {
		t.Errorf("jobs that ran:\n%q\nwant:\n%q", g, w)
	}
}

// Seminars

func testUpsertCreates(t *testing.T, open Opener) {
	e := newEnv(t, open)
	jst := time.FixedZone("JST", 9*60*60)
	a := store.Seminar{
		ID:        "a",
		Title:     "DX 相談会 🌺",
		StartsAt:  time.Date(2030, 12, 11, 15, 0, 0, 0, jst),
		EndsAt:    time.Date(2030, 12, 11, 16, 30, 0, 0, jst),
		Venue:     "奄美市名瀬",
		Capacity:  20,
		OnlineURL: "",
	}
	b := store.Seminar{
		ID:        "b",
		Title:     "オンライン説明会",
		StartsAt:  time.Date(2030, 12, 12, 1, 0, 0, 0, time.UTC),
		EndsAt:    time.Date(2030, 12, 12, 2, 0, 0, 0, time.UTC),
		OnlineURL: "https://example.com/b",
	}
	if err := e.s.UpsertSeminars(e.ctx, []store.Seminar{a, b}); err != nil {
		t.Fatalf("UpsertSeminars: %v", err)
	}
	checkSeminar(t, e.getSeminar("a"), a)
	checkSeminar(t, e.getSeminar("b"), b)
	if err := e.s.UpsertSeminars(e.ctx, nil); err != nil {
		t.Errorf("UpsertSeminars(nil): %v", err)
	}
}

func testUpsertKeepsBooked(t *testing.T, open Opener) {
	e := newEnv(t, open)
	s := e.seminar("s", 72*time.Hour, 5)
	e.register(e.req("s", "u1", store.Venue), store.Confirmed)
	e.register(e.req("s", "u2", store.Venue), store.Confirmed)

	s.Title = "改題"
	s.Capacity = 10
	s.StartsAt = s.StartsAt.Add(time.Hour)
	s.EndsAt = s.EndsAt.Add(time.Hour)
	s.Booked = 0 // ignored: the store counts seats itself
	if err := e.s.UpsertSeminars(e.ctx, []store.Seminar{s}); err != nil {
		t.Fatalf("UpsertSeminars: %v", err)
	}
	s.Booked = 2
	checkSeminar(t, e.getSeminar("s"), s)
}

func testUpsertAllOrNone(t *testing.T, open Opener) {
	e := newEnv(t, open)
	a := e.seminar("a", 72*time.Hour, 5)

	changed := a
	changed.Title = "changed"
	b := a
	b.ID = "b"
	for _, bad := range []store.Seminar{
		{ID: "", Title: "no id", StartsAt: a.StartsAt, EndsAt: a.EndsAt, Capacity: 1},
		{ID: "c", Title: "negative capacity", StartsAt: a.StartsAt, EndsAt: a.EndsAt, Capacity: -1},
	} {
		if err := e.s.UpsertSeminars(e.ctx, []store.Seminar{changed, b, bad}); err == nil {
			t.Errorf("UpsertSeminars with %q: no error", bad.Title)
		}
	}
	checkSeminar(t, e.getSeminar("a"), a)
	if _, err := e.s.Seminar(e.ctx, "b"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Seminar(b) after a failed upsert: err = %v, want ErrNotFound", err)
	}
}

func testUpcoming(t *testing.T, open Opener) {
	e := newEnv(t, open)
	e.seminar("past", -time.Hour, 5)
	e.seminar("now", 0, 5) // starts at now: not after now
	e.seminar("plus3h", 3*time.Hour, 5)
	e.seminar("plus1h", time.Hour, 5)
	e.seminar("plus2h", 2*time.Hour, 5)
	// Stored in another zone, ordered by the instant: 10:30 JST is 01:30 UTC.
	jst := time.FixedZone("JST", 9*60*60)
	at := e.now.Add(90 * time.Minute).In(jst)
	if err := e.s.UpsertSeminars(e.ctx, []store.Seminar{{ID: "plus90m", Title: "JST", StartsAt: at, EndsAt: at.Add(time.Hour), Capacity: 1}}); err != nil {
		t.Fatalf("UpsertSeminars: %v", err)
	}

	got, err := e.s.UpcomingSeminars(e.ctx, e.now, 10)
	if err != nil {
		t.Fatalf("UpcomingSeminars: %v", err)
	}
	if want := []string{"plus1h", "plus90m", "plus2h", "plus3h"}; !slices.Equal(seminarIDs(got), want) {
		t.Errorf("UpcomingSeminars = %v, want %v", seminarIDs(got), want)
	}
	if len(got) > 1 {
		checkTime(t, "StartsAt", got[1].StartsAt, at)
	}

	got, err = e.s.UpcomingSeminars(e.ctx, e.now, 2)
	if err != nil {
		t.Fatalf("UpcomingSeminars: %v", err)
	}
	if want := []string{"plus1h", "plus90m"}; !slices.Equal(seminarIDs(got), want) {
		t.Errorf("UpcomingSeminars(limit 2) = %v, want %v", seminarIDs(got), want)
	}

	e.register(e.req("plus1h", "u", store.Venue), store.Confirmed)
	got, err = e.s.UpcomingSeminars(e.ctx, e.now.Add(2*time.Hour), 10)
	if err != nil {
		t.Fatalf("UpcomingSeminars: %v", err)
	}
	if want := []string{"plus3h"}; !slices.Equal(seminarIDs(got), want) {
		t.Errorf("UpcomingSeminars(now+2h) = %v, want %v", seminarIDs(got), want)
	}
	got, err = e.s.UpcomingSeminars(e.ctx, e.now, 1)
	if err != nil || len(got) != 1 || got[0].Booked != 1 {
		t.Errorf("UpcomingSeminars(limit 1) = %+v, %v; want plus1h with Booked 1", got, err)
	}
}

func testSeminarNotFound(t *testing.T, open Opener) {
	e := newEnv(t, open)
	if _, err := e.s.Seminar(e.ctx, "missing"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Seminar(missing): err = %v, want ErrNotFound", err)
	}
}

// Registrations

func testRegisterVenue(t *testing.T, open Opener) {
	e := newEnv(t, open)
	s := e.seminar("s", 72*time.Hour, 2)
	req := e.req("s", "u1", store.Venue)
	req.Name, req.Company = "奄美 太郎 🌴", "ｱﾏﾐ商店"
	r := e.register(req, store.Confirmed)
	if r.ID == 0 || r.SeminarID != "s" || r.UserID != "u1" || r.Attendance != store.Venue ||
		r.Name != req.Name || r.Company != req.Company || r.CreatedAt.IsZero() || r.UpdatedAt.IsZero() {
		t.Errorf("Register = %+v", r)
	}
	if r.Seminar.ID != "s" || r.Seminar.Venue != s.Venue {
		t.Errorf("Register: Seminar = %+v, want seminar s", r.Seminar)
	}
	e.booked("s", 1)

	r2 := e.register(e.req("s", "u2", store.Venue), store.Confirmed)
	if r2.ID == r.ID {
		t.Errorf("two registrations with ID %d", r.ID)
	}
	e.booked("s", 2)
}

func testRegisterOnline(t *testing.T, open Opener) {
	e := newEnv(t, open)
	e.seminar("s", 72*time.Hour, 1)
	e.register(e.req("s", "u1", store.Online), store.Confirmed)
	e.booked("s", 0)
	e.register(e.req("s", "u2", store.Venue), store.Confirmed)
	// Online places are not limited, and Waitlist means nothing for them.
	for _, u := range []string{"u3", "u4", "u5"} {
		req := e.req("s", u, store.Online)
		req.Waitlist = true
		e.register(req, store.Confirmed)
	}
	e.booked("s", 1)
}

func testRegisterVenueFull(t *testing.T, open Opener) {
	e := newEnv(t, open)
	e.seminar("s", 72*time.Hour, 1)
	e.register(e.req("s", "u1", store.Venue), store.Confirmed)
	if _, err := e.s.Register(e.ctx, e.req("s", "u2", store.Venue)); !errors.Is(err, store.ErrVenueFull) {
		t.Fatalf("Register on a full venue: err = %v, want ErrVenueFull", err)
	}
	e.booked("s", 1)
	rs, err := e.s.UserRegistrations(e.ctx, "u2", e.now)
	if err != nil || len(rs) != 0 {
		t.Errorf("UserRegistrations(u2) = %v, %v; want none", ids(rs), err)
	}
	// Online is still open to the same user.
	e.register(e.req("s", "u2", store.Online), store.Confirmed)

	e.seminar("zero", 72*time.Hour, 0)
	if _, err := e.s.Register(e.ctx, e.req("zero", "u3", store.Venue)); !errors.Is(err, store.ErrVenueFull) {
		t.Errorf("Register with capacity 0: err = %v, want ErrVenueFull", err)
	}
}

func testRegisterWaitlist(t *testing.T, open Opener) {
	e := newEnv(t, open)
	e.seminar("s", 72*time.Hour, 1)
	// While seats remain, Waitlist changes nothing.
	req := e.req("s", "u1", store.Venue)
	req.Waitlist = true
	e.register(req, store.Confirmed)

	req = e.req("s", "u2", store.Venue)
	req.Waitlist = true
	w := e.register(req, store.Waitlisted)
	if w.Attendance != store.Venue {
		t.Errorf("waitlisted attendance = %s, want venue", w.Attendance)
	}
	e.booked("s", 1)
	e.status(w.ID, store.Waitlisted)
}

func testRegisterAlready(t *testing.T, open Opener) {
	e := newEnv(t, open)
	e.seminar("s", 72*time.Hour, 1)
	first := e.register(e.req("s", "u1", store.Venue), store.Confirmed)
	for _, a := range []store.Attendance{store.Venue, store.Online} {
		r, err := e.s.Register(e.ctx, e.req("s", "u1", a))
		if !errors.Is(err, store.ErrAlreadyRegistered) {
			t.Fatalf("Register again (%s): err = %v, want ErrAlreadyRegistered", a, err)
		}
		if r.ID != first.ID || r.Status != store.Confirmed {
			t.Errorf("Register again (%s): registration %d (%s), want %d (confirmed)", a, r.ID, r.Status, first.ID)
		}
	}
	e.booked("s", 1)

	req := e.req("s", "u2", store.Venue)
	req.Waitlist = true
	w := e.register(req, store.Waitlisted)
	r, err := e.s.Register(e.ctx, req)
	if !errors.Is(err, store.ErrAlreadyRegistered) || r.ID != w.ID {
		t.Errorf("Register again while waitlisted: %d, %v; want %d, ErrAlreadyRegistered", r.ID, err, w.ID)
	}
	all, err := e.s.AllRegistrations(e.ctx)
	if err != nil || len(all) != 2 {
		t.Errorf("AllRegistrations = %v, %v; want 2", ids(all), err)
	}
}

func testRegisterAfterCancel(t *testing.T, open Opener) {
	e := newEnv(t, open)
	e.seminar("s", 72*time.Hour, 1)
	first := e.register(e.req("s", "u1", store.Venue), store.Confirmed)
	e.cancel(first, e.now)
	e.booked("s", 0)
	again := e.register(e.req("s", "u1", store.Venue), store.Confirmed)
	if again.ID == first.ID {
		t.Errorf("registration after cancel reused ID %d", first.ID)
	}
	e.booked("s", 1)
	e.status(first.ID, store.Canceled)
	e.cancel(again, e.now)
	e.register(e.req("s", "u1", store.Online), store.Confirmed)
	e.booked("s", 0)
}

func testRegisterUnknownSeminar(t *testing.T, open Opener) {
	e := newEnv(t, open)
	for _, a := range []store.Attendance{store.Venue, store.Online} {
		if _, err := e.s.Register(e.ctx, e.req("missing", "u1", a)); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Register for a missing seminar (%s): err = %v, want ErrNotFound", a, err)
		}
	}
}

func testRegisterConcurrentSeats(t *testing.T, open Opener) {
	e := newEnv(t, open)
	e.seminar("s", 72*time.Hour, 20)
	const n = 50
	confirmed, full := Race(t, n, store.ErrVenueFull, func(i int) error {
		_, err := e.s.Register(e.ctx, e.req("s", fmt.Sprintf("u%02d", i), store.Venue))
		return err
	})
	if confirmed != 20 || full != n-20 {
		t.Errorf("%d confirmed, %d ErrVenueFull; want 20 and %d", confirmed, full, n-20)
	}
	e.booked("s", 20)
	all, err := e.s.AllRegistrations(e.ctx)
	if err != nil || len(all) != 20 {
		t.Errorf("AllRegistrations: %d, %v; want 20", len(all), err)
	}
}

func testRegisterConcurrentSameUser(t *testing.T, open Opener) {
	e := newEnv(t, open)
	e.seminar("s", 72*time.Hour, 5)
	const n = 10
	ok, already := Race(t, n, store.ErrAlreadyRegistered, func(int) error {
		_, err := e.s.Register(e.ctx, e.req("s", "u1", store.Venue))
		return err
	})
	if ok != 1 || already != n-1 {
		t.Errorf("%d registered, %d ErrAlreadyRegistered; want 1 and %d", ok, already, n-1)
	}
	e.booked("s", 1)
}

func testCancelFreesSeat(t *testing.T, open Opener) {
	e := newEnv(t, open)
	e.seminar("s", 72*time.Hour, 1)
	r := e.register(e.req("s", "u1", store.Venue), store.Confirmed)
	res := e.cancel(r, e.now)
	if res.Offered != nil {
		t.Errorf("Offered = %+v, want nil", res.Offered)
	}
	if res.Cancelled.SeminarID != "s" || res.Cancelled.UserID != "u1" {
		t.Errorf("Cancelled = %+v", res.Cancelled)
	}
	e.booked("s", 0)
	e.status(r.ID, store.Canceled)
	e.register(e.req("s", "u2", store.Venue), store.Confirmed)
}

func testCancelPromotes(t *testing.T, open Opener) {
	e := newEnv(t, open)
	e.seminar("s", 72*time.Hour, 1)
	r := e.register(e.req("s", "u1", store.Venue), store.Confirmed)
	var waiting []store.Registration
	for i, u := range []string{"w1", "w2", "w3"} {
		req := e.req("s", u, store.Venue)
		req.Waitlist = true
		req.Now = e.now.Add(time.Duration(i) * time.Minute)
		waiting = append(waiting, e.register(req, store.Waitlisted))
	}
	e.cancel(waiting[1], e.now) // leaving the waitlist frees no seat
	e.booked("s", 1)

	res := e.cancel(r, e.now.Add(time.Hour))
	if res.Offered == nil {
		t.Fatal("Offered = nil, want the first waitlisted")
	}
	p := *res.Offered
	if p.ID != waiting[0].ID || !p.HoldsOffer() || p.UserID != "w1" || p.Attendance != store.Venue {
		t.Errorf("Offered = %+v, want registration %d holding the seat", p, waiting[0].ID)
	}
	e.booked("s", 1) // held for w1
	if p, err := e.s.ClaimOffer(e.ctx, "w1", p.ID, e.now.Add(2*time.Hour)); err != nil || p.Status != store.Confirmed {
		t.Fatalf("ClaimOffer: %+v, %v; want confirmed", p, err)
	}
	e.booked("s", 1)
	e.status(waiting[2].ID, store.Waitlisted)

	res = e.cancel(p, e.now.Add(time.Hour))
	if res.Offered == nil || res.Offered.ID != waiting[2].ID {
		t.Errorf("second offer: %+v, want registration %d", res.Offered, waiting[2].ID)
	}
	e.booked("s", 1)
}

func testCancelNoSeatFreed(t *testing.T, open Opener) {
	e := newEnv(t, open)
	e.seminar("s", 72*time.Hour, 1)
	e.register(e.req("s", "u1", store.Venue), store.Confirmed)
	online := e.register(e.req("s", "u2", store.Online), store.Confirmed)
	req := e.req("s", "w1", store.Venue)
	req.Waitlist = true
	w := e.register(req, store.Waitlisted)

	if res := e.cancel(online, e.now); res.Offered != nil {
		t.Errorf("cancelling online offered %+v", res.Offered)
	}
	if res := e.cancel(w, e.now); res.Offered != nil {
		t.Errorf("cancelling a waitlisted registration offered %+v", res.Offered)
	}
	e.booked("s", 1)
}

func testCancelNotFound(t *testing.T, open Opener) {
	e := newEnv(t, open)
	e.seminar("s", 72*time.Hour, 1)
	r := e.register(e.req("s", "u1", store.Venue), store.Confirmed)
	if _, err := e.s.CancelRegistration(e.ctx, "u2", r.ID, e.now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("cancel someone else's: err = %v, want ErrNotFound", err)
	}
	e.status(r.ID, store.Confirmed)
	e.booked("s", 1)
	if _, err := e.s.CancelRegistration(e.ctx, "u1", r.ID+1000, e.now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("cancel a missing registration: err = %v, want ErrNotFound", err)
	}
	e.cancel(r, e.now)
	if _, err := e.s.CancelRegistration(e.ctx, "u1", r.ID, e.now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("cancel twice: err = %v, want ErrNotFound", err)
	}
	e.booked("s", 0)
}

// testCancelConcurrent cancels the same registration at once (a double
// click): one cancellation, one seat freed, one offer.
func testCancelConcurrent(t *testing.T, open Opener) {
	e := newEnv(t, open)
	e.seminar("s", 72*time.Hour, 1)
	r := e.register(e.req("s", "u1", store.Venue), store.Confirmed)
	for _, u := range []string{"w1", "w2"} {
		req := e.req("s", u, store.Venue)
		req.Waitlist = true
		e.register(req, store.Waitlisted)
	}
	ok, notFound := Race(t, 8, store.ErrNotFound, func(int) error {
		_, err := e.s.CancelRegistration(e.ctx, "u1", r.ID, e.now)
		return err
	})
	if ok != 1 || notFound != 7 {
		t.Errorf("%d cancelled, %d ErrNotFound; want 1 and 7", ok, notFound)
	}
	e.booked("s", 1)
	rs, err := e.s.UserRegistrations(e.ctx, "w2", e.now)
	if err != nil || len(rs) != 1 || rs[0].Status != store.Waitlisted {
		t.Errorf("w2 after one offer: %+v, %v; want still waitlisted", rs, err)
	}
}

func testRegistration(t *testing.T, open Opener) {
	e := newEnv(t, open)
	s := e.seminar("s", 72*time.Hour, 1)
	r := e.register(e.req("s", "u1", store.Venue), store.Confirmed)
	got, err := e.s.Registration(e.ctx, r.ID)
	if err != nil {
		t.Fatalf("Registration: %v", err)
	}
	if got.ID != r.ID || got.SeminarID != "s" || got.UserID != "u1" || got.Attendance != store.Venue ||
		got.Name != r.Name || got.Company != r.Company || got.Status != store.Confirmed {
		t.Errorf("Registration = %+v, want %+v", got, r)
	}
	checkTime(t, "CreatedAt", got.CreatedAt, r.CreatedAt)
	s.Booked = 1
	checkSeminar(t, got.Seminar, s)
	if _, err := e.s.Registration(e.ctx, r.ID+1000); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Registration(missing): err = %v, want ErrNotFound", err)
	}
}

func testUserRegistrations(t *testing.T, open Opener) {
	e := newEnv(t, open)
	e.seminar("ended", -3*time.Hour, 5)    // ended 90 minutes ago
	e.seminar("running", -time.Hour, 5)    // ends in 30 minutes
	e.seminar("later", 48*time.Hour, 5)    // registered first
	e.seminar("sooner", 24*time.Hour, 1)   // waitlisted
	e.seminar("cancelled", 2*time.Hour, 5) // cancelled
	later := e.register(e.req("later", "u1", store.Online), store.Confirmed)
	e.register(e.req("ended", "u1", store.Venue), store.Confirmed)
	running := e.register(e.req("running", "u1", store.Venue), store.Confirmed)
	e.register(e.req("sooner", "u2", store.Venue), store.Confirmed)
	req := e.req("sooner", "u1", store.Venue)
	req.Waitlist = true
	sooner := e.register(req, store.Waitlisted)
	e.cancel(e.register(e.req("cancelled", "u1", store.Venue), store.Confirmed), e.now)
	e.register(e.req("later", "u2", store.Venue), store.Confirmed)

	rs, err := e.s.UserRegistrations(e.ctx, "u1", e.now)
	if err != nil {
		t.Fatalf("UserRegistrations: %v", err)
	}
	if want := []int64{running.ID, sooner.ID, later.ID}; !slices.Equal(ids(rs), want) {
		t.Fatalf("UserRegistrations = %v, want %v", ids(rs), want)
	}
	if rs[1].Status != store.Waitlisted || rs[1].Seminar.ID != "sooner" || rs[1].Seminar.Booked != 1 {
		t.Errorf("UserRegistrations[1] = %+v, want waitlisted for sooner with its seminar", rs[1])
	}
	for _, r := range rs {
		if r.UserID != "u1" || r.Seminar.ID != r.SeminarID || r.Seminar.Title == "" {
			t.Errorf("UserRegistrations: %+v", r)
		}
	}
	if rs, err := e.s.UserRegistrations(e.ctx, "nobody", e.now); err != nil || len(rs) != 0 {
		t.Errorf("UserRegistrations(nobody) = %v, %v; want none", ids(rs), err)
	}
}

func testAllRegistrations(t *testing.T, open Opener) {
	e := newEnv(t, open)
	e.seminar("b", 48*time.Hour, 1)
	e.seminar("a", 24*time.Hour, 5)
	e.seminar("past", -48*time.Hour, 5)
	b1 := e.register(e.req("b", "u1", store.Venue), store.Confirmed)
	a1 := e.register(e.req("a", "u2", store.Venue), store.Confirmed)
	req := e.req("b", "u3", store.Venue)
	req.Waitlist = true
	b2 := e.register(req, store.Waitlisted)
	a2 := e.register(e.req("a", "u1", store.Online), store.Confirmed)
	e.cancel(a2, e.now)
	p := e.register(e.req("past", "u4", store.Venue), store.Confirmed)

	all, err := e.s.AllRegistrations(e.ctx)
	if err != nil {
		t.Fatalf("AllRegistrations: %v", err)
	}
	if want := []int64{p.ID, a1.ID, a2.ID, b1.ID, b2.ID}; !slices.Equal(ids(all), want) {
		t.Fatalf("AllRegistrations = %v, want %v", ids(all), want)
	}
	want := []store.RegStatus{store.Confirmed, store.Confirmed, store.Canceled, store.Confirmed, store.Waitlisted}
	for i, r := range all {
		if r.Status != want[i] || r.Seminar.ID != r.SeminarID {
			t.Errorf("AllRegistrations[%d] = %+v, want status %s and its seminar", i, r, want[i])
		}
	}
}

// Jobs

// testReminders checks that a confirmed registration schedules its reminder
// exactly when the reminder time is after req.Now, once, and that failed
// effects insert nothing. A reminder scheduled in the past (relative to the
// wall clock) runs at once, which is how the suite sees it.
func testReminders(t *testing.T, open Opener) {
	e := newEnv(t, open)
	e.startJobs()
	s := e.seminar("s", time.Hour, 1)
	e.seminar("other", time.Hour, 5)
	past := e.now.Add(-48 * time.Hour) // the reminder, 23 hours ago, is after this

	at := func(req store.RegisterRequest, now time.Time) store.RegisterRequest {
		req.Now = now
		return req
	}
	venue := e.register(at(e.req("s", "u1", store.Venue), past), store.Confirmed)
	online := e.register(at(e.req("s", "u2", store.Online), past), store.Confirmed)
	wreq := at(e.req("s", "u3", store.Venue), past)
	wreq.Waitlist = true
	e.register(wreq, store.Waitlisted) // no reminder while waitlisted
	if _, err := e.s.Register(e.ctx, at(e.req("s", "u4", store.Venue), past)); !errors.Is(err, store.ErrVenueFull) {
		t.Fatalf("Register on a full venue: err = %v, want ErrVenueFull", err)
	}
	if _, err := e.s.Register(e.ctx, at(e.req("s", "u1", store.Online), past)); !errors.Is(err, store.ErrAlreadyRegistered) {
		t.Fatalf("Register twice: err = %v, want ErrAlreadyRegistered", err)
	}
	// The reminder time (23 hours ago) is not after now: no reminder.
	e.register(e.req("other", "u5", store.Venue), store.Confirmed)
	// Inserting the same reminder again is a no-op (unique by args).
	day := 24 * time.Hour
	if err := e.s.InsertJob(e.ctx, store.ReminderArgs{RegistrationID: venue.ID, Before: day}, store.ReminderOpts(s, day)); err != nil {
		t.Fatalf("InsertJob(reminder again): %v", err)
	}

	// Of the default reminders, three days before had passed at past; the
	// hour before goes to online attendees alone.
	checkJobs(t, e.drain(),
		store.ReminderArgs{RegistrationID: venue.ID, Before: day},
		store.ReminderArgs{RegistrationID: online.ID, Before: day},
		store.ReminderArgs{RegistrationID: online.ID, Before: time.Hour},
	)
}

func testPromotionJobs(t *testing.T, open Opener) {
	e := newEnv(t, open)
	e.startJobs()
	e.seminar("soon", time.Hour, 1)  // the reminder time has passed
	e.seminar("later", time.Hour, 1) // the reminder is after the cancellation's now
	past := e.now.Add(-48 * time.Hour)

	var promoted []int64
	for _, id := range []string{"soon", "later"} {
		first := e.register(e.req(id, "u1", store.Venue), store.Confirmed)
		req := e.req(id, "w1", store.Venue)
		req.Waitlist = true
		w := e.register(req, store.Waitlisted)
		now := e.now
		if id == "later" {
			now = past
		}
		res := e.cancel(first, now)
		if res.Offered == nil || res.Offered.ID != w.ID {
			t.Fatalf("cancel in %s: Offered = %+v, want %d", id, res.Offered, w.ID)
		}
		promoted = append(promoted, w.ID)
	}
	// A failed cancellation inserts nothing.
	if _, err := e.s.CancelRegistration(e.ctx, "u1", promoted[0], past); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("cancel someone else's: err = %v, want ErrNotFound", err)
	}

	// Both are asked; the window of the offer made at past (12 hours) has
	// ended, and the one of soon ends when the seminar starts. Reminders
	// wait for a claim.
	checkJobs(t, e.drain(),
		store.OfferArgs{RegistrationID: promoted[0]},
		store.OfferArgs{RegistrationID: promoted[1]},
		store.OfferExpiryArgs{RegistrationID: promoted[1]},
	)
}

// testMoreSeatsPromote raises a full seminar's capacity by re-importing it:
// the new seats are offered to the waitlist in order, in the import's
// transaction.
func testMoreSeatsPromote(t *testing.T, open Opener) {
	e := newEnv(t, open)
	e.startJobs()
	sem := e.seminar("s", 72*time.Hour, 1)
	e.register(e.req("s", "u1", store.Venue), store.Confirmed)
	var waiting []store.Registration
	for i, u := range []string{"w1", "w2", "w3"} {
		req := e.req("s", u, store.Venue)
		req.Waitlist = true
		req.Now = e.now.Add(time.Duration(i) * time.Minute)
		waiting = append(waiting, e.register(req, store.Waitlisted))
	}
	sem.Capacity = 3
	if err := e.s.UpsertSeminars(e.ctx, []store.Seminar{sem}); err != nil {
		t.Fatalf("UpsertSeminars: %v", err)
	}
	e.booked("s", 3) // two seats held for the offers
	for i, w := range waiting {
		if r, err := e.s.Registration(e.ctx, w.ID); err != nil || r.HoldsOffer() != (i < 2) || r.Status != store.Waitlisted {
			t.Errorf("waitlisted %d after the new seats: %+v, %v; want an offer for the first two", i, r, err)
		}
	}
	// The offers' windows end in 12 hours.
	checkJobs(t, e.drain(),
		store.OfferArgs{RegistrationID: waiting[0].ID},
		store.OfferArgs{RegistrationID: waiting[1].ID},
	)
}

func testInsertJob(t *testing.T, open Opener) {
	e := newEnv(t, open)
	push := store.PushArgs{UserID: "u1", Messages: []byte(`[{"type":"text","text":"こんにちは"}]`), RetryKey: "0b4a9a3e-6a54-4b8e-9f0e-3c1f2c5d7e01"}
	if err := e.s.InsertJob(e.ctx, push, nil); err != nil {
		t.Fatalf("InsertJob: %v", err)
	}
	// Inserted before StartJobs, worked after.
	e.startJobs()
	ran := e.drain()
	if len(ran) != 1 {
		t.Fatalf("jobs that ran: %v, want one push", ran)
	}
	// Messages come back as the same JSON, not necessarily the same bytes
	// (Postgres stores job args as jsonb).
	got, ok := ran[0].(store.PushArgs)
	if !ok || got.UserID != push.UserID || got.RetryKey != push.RetryKey || !sameJSON(got.Messages, push.Messages) {
		t.Errorf("ran %+v, want %+v", ran[0], push)
	}
}

func sameJSON(a, b []byte) bool {
	var va, vb any
	return json.Unmarshal(a, &va) == nil && json.Unmarshal(b, &vb) == nil && reflect.DeepEqual(va, vb)
}

// Inbox

func event(id, userID string, at time.Time) store.Event {
	return store.Event{
		ID:         id,
		UserID:     userID,
		Kind:       "text",
		Text:       "セミナー申込 " + id,
		ReplyToken: "reply-" + id,
		OccurredAt: at,
		ReceivedAt: at.Add(50 * time.Millisecond),
	}
}

func (e *env) record(events ...store.Event) int {
	e.t.Helper()
	n, err := e.s.RecordEvents(e.ctx, events)
	if err != nil {
		e.t.Fatalf("RecordEvents: %v", err)
	}
	return n
}

func (e *env) next(userID string) (store.Event, bool) {
	e.t.Helper()
	ev, ok, err := e.s.NextEvent(e.ctx, userID)
	if err != nil {
		e.t.Fatalf("NextEvent(%s): %v", userID, err)
	}
	return ev, ok
}

func (e *env) handled(eventID string) {
	e.t.Helper()
	if err := e.s.MarkHandled(e.ctx, eventID, e.now, nil); err != nil {
		e.t.Fatalf("MarkHandled(%s): %v", eventID, err)
	}
}

func testRecordEventsDedupe(t *testing.T, open Opener) {
	e := newEnv(t, open)
	e.startJobs()
	e1, e2, e3 := event("e1", "u1", e.now), event("e2", "u1", e.now), event("e3", "u2", e.now)
	if n := e.record(e1, e2); n != 2 {
		t.Errorf("RecordEvents(e1, e2) = %d, want 2", n)
	}
	if n := e.record(e1); n != 0 {
		t.Errorf("RecordEvents(e1) again = %d, want 0", n)
	}
	if n := e.record(e2, e3, e3); n != 1 {
		t.Errorf("RecordEvents(e2, e3, e3) = %d, want 1", n)
	}
	if n := e.record(); n != 0 {
		t.Errorf("RecordEvents() = %d, want 0", n)
	}
	checkJobs(t, e.drain(),
		store.TurnArgs{UserID: "u1", EventID: "e1"},
		store.TurnArgs{UserID: "u1", EventID: "e2"},
		store.TurnArgs{UserID: "u2", EventID: "e3"},
	)
}

func testRecordEventsConcurrent(t *testing.T, open Opener) {
	e := newEnv(t, open)
	e.startJobs()
	var total atomic.Int32
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			n, err := e.s.RecordEvents(e.ctx, []store.Event{event("e1", "u1", e.now)})
			if err != nil {
				t.Errorf("RecordEvents: %v", err)
			}
			total.Add(int32(n))
		})
	}
	wg.Wait()
	if total.Load() != 1 {
		t.Errorf("RecordEvents of one event at once: %d new in total, want 1", total.Load())
	}
	checkJobs(t, e.drain(), store.TurnArgs{UserID: "u1", EventID: "e1"})
}

func testNextEventOrder(t *testing.T, open Opener) {
	e := newEnv(t, open)
	t0 := e.now
	if _, ok := e.next("u1"); ok {
		t.Fatal("NextEvent on an empty inbox: ok")
	}
	late := event("late", "u1", t0.Add(2*time.Second))
	first := event("first", "u1", t0)
	first.Kind, first.Text, first.ReplyToken = "postback", "action=register&seminar=s", "tok-絵文字🌺"
	second := event("second", "u1", t0) // same time, arrives after first
	third := event("third", "u1", t0)   // same time, arrives in a later batch
	e.record(late, first, second, event("other", "u2", t0.Add(-time.Hour)))
	e.record(third, event("mid", "u1", t0.Add(time.Second)))

	got, ok := e.next("u1")
	if !ok {
		t.Fatal("NextEvent: none")
	}
	if got.ID != first.ID || got.UserID != first.UserID || got.Kind != first.Kind || got.Text != first.Text || got.ReplyToken != first.ReplyToken {
		t.Errorf("NextEvent = %+v, want %+v", got, first)
	}
	checkTime(t, "OccurredAt", got.OccurredAt, first.OccurredAt)
	checkTime(t, "ReceivedAt", got.ReceivedAt, first.ReceivedAt)
	if again, _ := e.next("u1"); again.ID != first.ID {
		t.Errorf("NextEvent without MarkHandled = %s, want %s again", again.ID, first.ID)
	}
	for limit, want := range map[int][]string{1: {"first"}, 3: {"first", "second", "third"}, 10: {"first", "second", "third", "mid", "late"}} {
		batch, err := e.s.NextEvents(e.ctx, "u1", limit)
		if err != nil {
			t.Fatalf("NextEvents: %v", err)
		}
		var ids []string
		for _, ev := range batch {
			ids = append(ids, ev.ID)
		}
		if !slices.Equal(ids, want) {
			t.Errorf("NextEvents(limit %d) = %v, want %v", limit, ids, want)
		}
	}

	var order []string
	for {
		ev, ok := e.next("u1")
		if !ok {
			break
		}
		order = append(order, ev.ID)
		e.handled(ev.ID)
		if len(order) > 10 {
			t.Fatalf("NextEvent keeps returning events: %v", order)
		}
	}
	if want := []string{"first", "second", "third", "mid", "late"}; !slices.Equal(order, want) {
		t.Errorf("events handled in order %v, want %v", order, want)
	}
	if ev, ok := e.next("u2"); !ok || ev.ID != "other" {
		t.Errorf("NextEvent(u2) = %s, %v; want other", ev.ID, ok)
	}
}

func testMarkHandled(t *testing.T, open Opener) {
	e := newEnv(t, open)
	e.record(event("e1", "u1", e.now), event("e2", "u1", e.now.Add(time.Second)))
	e.handled("e1")
	e.handled("e1")
	if ev, ok := e.next("u1"); !ok || ev.ID != "e2" {
		t.Errorf("NextEvent after handling e1 = %s, %v; want e2", ev.ID, ok)
	}
	// A redelivered event that was handled stays handled.
	if n := e.record(event("e1", "u1", e.now)); n != 0 {
		t.Errorf("RecordEvents(handled e1) = %d, want 0", n)
	}
	e.handled("e2")
	if ev, ok := e.next("u1"); ok {
		t.Errorf("NextEvent after handling all = %s, want none", ev.ID)
	}
}

// Turn

// hold starts a turn of the user that holds its lock until the returned
// release is called; release waits for the turn to end and returns its error.
func (e *env) hold(ctx context.Context, userID string) (release func() error) {
	e.t.Helper()
	held, done := make(chan struct{}), make(chan struct{})
	ended := make(chan error, 1)
	go func() {
		ended <- e.s.Turn(ctx, userID, func(store.Tx) error {
			close(held)
			<-done
			return nil
		})
	}()
	select {
	case <-held:
	case err := <-ended:
		e.t.Fatalf("Turn(%s): %v", userID, err)
	}
	return func() error {
		close(done)
		return <-ended
	}
}

// tryTurn attempts a turn within d and reports whether it ran.
func (e *env) tryTurn(userID string, d time.Duration) bool {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, d)
	defer cancel()
	err := e.s.Turn(ctx, userID, func(store.Tx) error { return nil })
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		e.t.Errorf("Turn(%s) with an expiring ctx: %v, want context.DeadlineExceeded", userID, err)
	}
	return err == nil
}

func testTurnExcludes(t *testing.T, open Opener) {
	e := newEnv(t, open)
	release := e.hold(e.ctx, "u1")
	got := make(chan error, 1)
	go func() { got <- e.s.Turn(e.ctx, "u1", func(store.Tx) error { return nil }) }()
	select {
	case <-got:
		t.Fatal("a second turn of the user ran while the first held its lock")
	case <-time.After(200 * time.Millisecond):
	}
	if err := release(); err != nil {
		t.Fatalf("first turn: %v", err)
	}
	select {
	case err := <-got:
		if err != nil {
			t.Errorf("second turn: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("second turn still waiting after the first ended")
	}
}

func testTurnCtxCancel(t *testing.T, open Opener) {
	e := newEnv(t, open)
	release := e.hold(e.ctx, "u1")
	if e.tryTurn("u1", 100*time.Millisecond) {
		t.Fatal("a turn ran while another held the user's lock")
	}
	ctx, cancel := context.WithCancel(e.ctx)
	cancel()
	if err := e.s.Turn(ctx, "u1", func(store.Tx) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("Turn with a cancelled ctx: %v, want context.Canceled", err)
	}
	if err := release(); err != nil {
		t.Fatalf("held turn: %v", err)
	}
	// The abandoned waits left nothing behind.
	if !e.tryTurn("u1", 10*time.Second) {
		t.Error("Turn after the abandoned waits: timed out")
	}
}

func testTurnConcurrent(t *testing.T, open Opener) {
	e := newEnv(t, open)
	var inside atomic.Int32
	var counter int // guarded by the user's lock only
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 5 {
				err := e.s.Turn(e.ctx, "u1", func(store.Tx) error {
					if inside.Add(1) != 1 {
						t.Error("two turns of one user at once")
					}
					counter++
					time.Sleep(time.Millisecond)
					inside.Add(-1)
					return nil
				})
				if err != nil {
					t.Errorf("Turn: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	if counter != 40 {
		t.Errorf("counter = %d, want 40", counter)
	}
}

// turnEffects does in tx what a turn that registers does: an effect with its
// job, the next session, the event handled with its replies held.
func (e *env) turnEffects(tx store.Tx, eventID string) error {
	if _, err := tx.Register(e.ctx, e.req("s", "u1", store.Venue)); err != nil {
		return err
	}
	if err := tx.SaveSession(e.ctx, "u1", []byte("after "+eventID), time.Hour); err != nil {
		return err
	}
	// The turn reads its own writes.
	if data, err := tx.Session(e.ctx, "u1"); err != nil || string(data) != "after "+eventID {
		e.t.Errorf("Session in the turn = %q, %v; want the one it saved", data, err)
	}
	if regs, err := tx.UserRegistrations(e.ctx, "u1", e.now); err != nil || len(regs) != 1 {
		e.t.Errorf("UserRegistrations in the turn = %d, %v; want 1", len(regs), err)
	}
	if err := tx.InsertJob(e.ctx, store.PushArgs{UserID: "u1", Messages: []byte(`[]`), RetryKey: eventID}, nil); err != nil {
		return err
	}
	return tx.MarkHandled(e.ctx, eventID, e.now, []byte(`["reply to `+eventID+`"]`))
}

// overdue gives the replies held since before a job each.
func (e *env) overdue(before time.Time) int {
	e.t.Helper()
	n, err := e.s.OverdueReplies(e.ctx, before, 100)
	if err != nil {
		e.t.Fatalf("OverdueReplies: %v", err)
	}
	return n
}

// testTurnAtomic: a turn that fails after its effects leaves nothing of
// them; the retried turn applies them all, once.
func testTurnAtomic(t *testing.T, open Opener) {
	e := newEnv(t, open)
	e.seminar("s", 72*time.Hour, 5)
	e.record(event("e1", "u1", e.now))
	e.startJobs()
	turn := store.TurnArgs{UserID: "u1", EventID: "e1"}

	crash := errors.New("the process died")
	err := e.s.Turn(e.ctx, "u1", func(tx store.Tx) error {
		if err := e.turnEffects(tx, "e1"); err != nil {
			return err
		}
		return crash
	})
	if !errors.Is(err, crash) {
		t.Fatalf("Turn = %v, want the error of fn", err)
	}
	if regs, err := e.s.UserRegistrations(e.ctx, "u1", e.now); err != nil || len(regs) != 0 {
		t.Errorf("after a failed turn: %d registrations, %v; want none", len(regs), err)
	}
	if data, _ := e.s.Session(e.ctx, "u1"); data != nil {
		t.Errorf("after a failed turn: session %q, want none", data)
	}
	if ev, ok := e.next("u1"); !ok || ev.ID != "e1" {
		t.Errorf("after a failed turn: next event %v, %v; want e1 still unhandled", ev.ID, ok)
	}
	e.booked("s", 0)
	checkJobs(t, e.drain(), turn) // not the effect's
	if n := e.overdue(time.Now().Add(time.Hour)); n != 0 {
		t.Errorf("after a failed turn: %d replies held, want none", n)
	}

	if err := e.s.Turn(e.ctx, "u1", func(tx store.Tx) error { return e.turnEffects(tx, "e1") }); err != nil {
		t.Fatalf("retried Turn: %v", err)
	}
	regs, err := e.s.UserRegistrations(e.ctx, "u1", e.now)
	if err != nil || len(regs) != 1 || regs[0].Status != store.Confirmed {
		t.Fatalf("after the retried turn: %v, %v; want one confirmed registration", regs, err)
	}
	if data, _ := e.s.Session(e.ctx, "u1"); string(data) != "after e1" {
		t.Errorf("after the retried turn: session %q", data)
	}
	if ev, ok := e.next("u1"); ok {
		t.Errorf("after the retried turn: next event %s, want none", ev.ID)
	}
	e.booked("s", 1)
	checkJobs(t, e.drain(), turn, store.PushArgs{UserID: "u1", Messages: []byte(`[]`), RetryKey: "e1"})
}

// testTurnFailedEffect: an effect refused inside a turn (the venue is full)
// leaves the turn's other effects, which commit.
func testTurnFailedEffect(t *testing.T, open Opener) {
	e := newEnv(t, open)
	e.seminar("s", 72*time.Hour, 1)
	e.register(e.req("s", "u0", store.Venue), store.Confirmed)
	err := e.s.Turn(e.ctx, "u1", func(tx store.Tx) error {
		if _, err := tx.Register(e.ctx, e.req("s", "u1", store.Venue)); !errors.Is(err, store.ErrVenueFull) {
			t.Errorf("Register on a full venue in a turn: %v, want ErrVenueFull", err)
		}
		if _, err := tx.Register(e.ctx, e.req("s", "u0", store.Online)); !errors.Is(err, store.ErrAlreadyRegistered) {
			t.Errorf("Register twice in a turn: %v, want ErrAlreadyRegistered", err)
		}
		req := e.req("s", "u1", store.Venue)
		req.Waitlist = true
		if _, err := tx.Register(e.ctx, req); err != nil {
			return err
		}
		return tx.SaveSession(e.ctx, "u1", []byte("waitlisted"), time.Hour)
	})
	if err != nil {
		t.Fatalf("Turn: %v", err)
	}
	regs, err := e.s.UserRegistrations(e.ctx, "u1", e.now)
	if err != nil || len(regs) != 1 || regs[0].Status != store.Waitlisted {
		t.Errorf("after the turn: %v, %v; want one waitlisted registration", regs, err)
	}
	if data, _ := e.s.Session(e.ctx, "u1"); string(data) != "waitlisted" {
		t.Errorf("after the turn: session %q", data)
	}
	e.booked("s", 1)
}

// testTurnOutbox: a turn's replies are held on their event until they are
// said to be sent; those that are not become jobs, once: due now after a
// failed send, or when held too long.
func testTurnOutbox(t *testing.T, open Opener) {
	e := newEnv(t, open)
	e.startJobs()
	e.record(event("sent", "u1", e.now), event("failed", "u1", e.now.Add(time.Second)),
		event("lost", "u1", e.now.Add(2*time.Second)), event("silent", "u1", e.now.Add(3*time.Second)))
	err := e.s.Turn(e.ctx, "u1", func(tx store.Tx) error {
		for _, id := range []string{"sent", "failed", "lost"} {
			if err := tx.MarkHandled(e.ctx, id, e.now, []byte(`["reply to `+id+`"]`)); err != nil {
				return err
			}
		}
		return tx.MarkHandled(e.ctx, "silent", e.now, nil)
	})
	if err != nil {
		t.Fatalf("Turn: %v", err)
	}
	for range 2 {
		if err := e.s.RepliesSent(e.ctx, "sent"); err != nil {
			t.Fatalf("RepliesSent: %v", err)
		}
		if err := e.s.RetryReplies(e.ctx, "failed"); err != nil {
			t.Fatalf("RetryReplies: %v", err)
		}
	}
	if n := e.overdue(e.now.Add(-time.Minute)); n != 0 {
		t.Errorf("%d replies overdue a minute before their turn, want none", n)
	}
	if n := e.overdue(time.Now().Add(time.Minute)); n != 1 {
		t.Errorf("%d replies overdue, want 1: the one neither sent nor retried", n)
	}
	if n := e.overdue(time.Now().Add(time.Minute)); n != 0 {
		t.Errorf("%d replies overdue the second time, want none", n)
	}
	var got []string
	for _, j := range e.drain() {
		if _, ok := j.(store.TurnArgs); ok {
			continue // the events'
		}
		a, ok := j.(store.ReplyArgs)
		if !ok {
			t.Errorf("job %s ran, want only the events' turns and replies", j.Kind())
			continue
		}
		if a.UserID != "u1" || a.ReplyToken != "reply-"+a.EventID || !a.OccurredAt.Equal(event(a.EventID, "u1", a.OccurredAt).OccurredAt) {
			t.Errorf("reply job %+v: user, token or time is not its event's", a)
		}
		got = append(got, fmt.Sprintf("%s %s failed=%v", a.EventID, a.Messages, a.Failed))
	}
	slices.Sort(got)
	want := []string{`failed ["reply to failed"] failed=true`, `lost ["reply to lost"] failed=false`}
	if !slices.Equal(got, want) {
		t.Errorf("reply jobs %q, want %q", got, want)
	}
}

// Sessions

func testSessions(t *testing.T, open Opener) {
	e := newEnv(t, open)
	get := func(userID string) []byte {
		t.Helper()
		data, err := e.s.Session(e.ctx, userID)
		if err != nil {
			t.Fatalf("Session(%s): %v", userID, err)
		}
		return data
	}
	save := func(userID, data string) {
		t.Helper()
		if err := e.s.SaveSession(e.ctx, userID, []byte(data), time.Hour); err != nil {
			t.Fatalf("SaveSession(%s): %v", userID, err)
		}
	}
	if data := get("u1"); data != nil {
		t.Errorf("Session(missing) = %q, want nil", data)
	}
	save("u1", `{"flow":"register","step":"name"}`)
	save("u2", "\x00\xffbinary")
	if data := get("u1"); string(data) != `{"flow":"register","step":"name"}` {
		t.Errorf("Session(u1) = %q", data)
	}
	save("u1", `{"flow":"menu"}`)
	if data := get("u1"); string(data) != `{"flow":"menu"}` {
		t.Errorf("Session(u1) after overwrite = %q", data)
	}
	if data := get("u2"); string(data) != "\x00\xffbinary" {
		t.Errorf("Session(u2) = %q", data)
	}
}

func testSessionsExpire(t *testing.T, open Opener) {
	e := newEnv(t, open)
	if err := e.s.SaveSession(e.ctx, "u1", []byte("short"), 50*time.Millisecond); err != nil {
		t.Fatalf("SaveSession: %v", err)
	}
	if err := e.s.SaveSession(e.ctx, "u2", []byte("long"), time.Hour); err != nil {
		t.Fatalf("SaveSession: %v", err)
	}
	eventually(t, "the session to expire", func() bool {
		data, err := e.s.Session(e.ctx, "u1")
		if err != nil {
			t.Fatalf("Session: %v", err)
		}
		return data == nil
	})
	if data, err := e.s.Session(e.ctx, "u2"); err != nil || string(data) != "long" {
		t.Errorf("Session(u2) = %q, %v; want long", data, err)
	}
	// Saving again after expiry starts afresh.
	if err := e.s.SaveSession(e.ctx, "u1", []byte("again"), time.Hour); err != nil {
		t.Fatalf("SaveSession: %v", err)
	}
	if data, err := e.s.Session(e.ctx, "u1"); err != nil || string(data) != "again" {
		t.Errorf("Session(u1) = %q, %v; want again", data, err)
	}
}

func testPing(t *testing.T, open Opener) {
	e := newEnv(t, open)
	if err := e.s.Ping(e.ctx); err != nil {
		t.Errorf("Ping: %v", err)
	}
	if b := e.s.Backend(); b != "sqlite" && b != "postgres" {
		t.Errorf("Backend() = %q", b)
	}
}
