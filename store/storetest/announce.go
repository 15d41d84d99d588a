package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/amamibot/amamibot/store"
)

// RunAnnouncements runs the contract tests of store.Announcements against
// the stores that open returns, one fresh store per test.
func RunAnnouncements(t *testing.T, open Opener) {
	runAll(t, open, []contract{
		{"Topics/SetAndStop", testTopicsSetAndStop},
		{"Topics/AskedOnce", testTopicsAskedOnce},
		{"Audience/SkipsBlocked", testAudienceSkipsBlocked},
		{"Announcement/FixedBatches", testAnnouncementBatches},
		{"Announcement/NoAudience", testAnnouncementNoAudience},
		{"Announcement/OnePace", testAnnouncementPace},
		{"Announcement/CompleteOnce", testAnnouncementComplete},
		{"Announcement/ErasedWithTheUser", testAnnouncementErased},
		{"Announcement/SecondStaff", testAnnouncementSecondStaff},
	})
}

func (e *env) subscribe(user string, topics ...string) {
	e.t.Helper()
	if err := e.s.SetTopics(e.ctx, user, topics, e.now); err != nil {
		e.t.Fatalf("SetTopics(%s): %v", user, err)
	}
}

func (e *env) announce(topic string, batchSize int) store.Announcement {
	e.t.Helper()
	a, err := e.s.CreateAnnouncement(e.ctx, store.NewAnnouncement{
		Announcement: store.Announcement{Topic: topic, Text: "新しいセミナーのお知らせです。", CreatedBy: "森", CreatedAt: e.now, SendAt: e.now},
		BatchSize:    batchSize,
		Pace:         time.Second,
	})
	if err != nil {
		e.t.Fatalf("CreateAnnouncement(%s): %v", topic, err)
	}
	return a
}

func (e *env) members(id int64, batch int) []string {
	e.t.Helper()
	b, err := e.s.AnnouncementBatch(e.ctx, id, batch)
	if err != nil {
		e.t.Fatalf("AnnouncementBatch(%d, %d): %v", id, batch, err)
	}
	return b.UserIDs
}

func testTopicsSetAndStop(t *testing.T, open Opener) {
	e := newEnv(t, open)
	e.subscribe("U1", store.TopicTours, store.TopicSeminar, store.FieldTopic("tourism"), store.TopicSeminar)
	sub, err := e.s.Subscription(e.ctx, "U1")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"field:tourism", "seminar", "tours"}; !slices.Equal(sub.Topics, want) {
		t.Errorf("Topics = %q, want %q (sorted, once each)", sub.Topics, want)
	}
	e.subscribe("U1") // 配信停止
	if sub, err = e.s.Subscription(e.ctx, "U1"); err != nil || len(sub.Topics) != 0 {
		t.Errorf("after stopping all: Topics = %q, %v; want none", sub.Topics, err)
	}
	if n, err := e.s.Audience(e.ctx, store.TopicSeminar); err != nil || n != 0 {
		t.Errorf("Audience(seminar) after stopping = %d, %v; want 0", n, err)
	}
}

func testTopicsAskedOnce(t *testing.T, open Opener) {
	e := newEnv(t, open)
	for i, want := range []bool{true, false} {
		first, err := e.s.MarkAsked(e.ctx, "U1", e.now.Add(time.Duration(i)*time.Hour))
		if err != nil || first != want {
			t.Errorf("MarkAsked #%d = %v, %v; want %v", i+1, first, err, want)
		}
	}
	sub, err := e.s.Subscription(e.ctx, "U1")
	if err != nil {
		t.Fatal(err)
	}
	checkTime(t, "AskedAt", sub.AskedAt, e.now)
}

func testAudienceSkipsBlocked(t *testing.T, open Opener) {
	e := newEnv(t, open)
	e.subscribe("U1", store.TopicSeminar)
	e.subscribe("U2", store.TopicSeminar, store.TopicJobs)
	e.subscribe("U3", store.TopicJobs)
	if err := e.s.SetBlocked(e.ctx, "U2", true); err != nil {
		t.Fatal(err)
	}
	if n, _ := e.s.Audience(e.ctx, store.TopicSeminar); n != 1 {
		t.Errorf("Audience(seminar) with U2 blocked = %d, want 1", n)
	}
	if err := e.s.SetBlocked(e.ctx, "U2", false); err != nil {
		t.Fatal(err)
	}
	if n, _ := e.s.Audience(e.ctx, store.TopicSeminar); n != 2 {
		t.Errorf("Audience(seminar) after U2 came back = %d, want 2", n)
	}
	if sub, _ := e.s.Subscription(e.ctx, "U2"); sub.Blocked {
		t.Errorf("Subscription(U2).Blocked after coming back = true")
	}
}

func testAnnouncementBatches(t *testing.T, open Opener) {
	e := newEnv(t, open)
	for i := range 7 {
		e.subscribe(fmt.Sprintf("U%d", i), store.TopicSeminar)
	}
	e.subscribe("Ujobs", store.TopicJobs)
	a := e.announce(store.TopicSeminar, 3)
	if a.Recipients != 7 || a.Batches != 3 {
		t.Fatalf("announcement: %d recipients in %d batches, want 7 in 3", a.Recipients, a.Batches)
	}
	// Who joins later is in no batch; who leaves or blocks is skipped.
	e.subscribe("U7", store.TopicSeminar)
	e.subscribe("U1", store.TopicJobs)
	if err := e.s.SetBlocked(e.ctx, "U5", true); err != nil {
		t.Fatal(err)
	}
	var all []string
	for b := range 3 {
		all = append(all, e.members(a.ID, b)...)
	}
	if want := []string{"U0", "U2", "U3", "U4", "U6"}; !slices.Equal(all, want) {
		t.Errorf("batch members = %q, want %q", all, want)
	}
	if _, err := e.s.AnnouncementBatch(e.ctx, a.ID, 3); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("AnnouncementBatch(beyond the last) err = %v, want ErrNotFound", err)
	}
}

func testAnnouncementNoAudience(t *testing.T, open Opener) {
	e := newEnv(t, open)
	e.subscribe("U1", store.TopicJobs)
	_, err := e.s.CreateAnnouncement(e.ctx, store.NewAnnouncement{
		Announcement: store.Announcement{Topic: store.TopicTours, Text: "ツアーのお知らせ", CreatedAt: e.now, SendAt: e.now},
	})
	if !errors.Is(err, store.ErrNoAudience) {
		t.Fatalf("CreateAnnouncement(no subscribers) err = %v, want ErrNoAudience", err)
	}
	if _, err := e.s.Announcement(e.ctx, 1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an announcement was kept: err = %v, want ErrNotFound", err)
	}
}

func testAnnouncementPace(t *testing.T, open Opener) {
	e := newEnv(t, open)
	for i := range 4 {
		e.subscribe(fmt.Sprintf("U%d", i), store.TopicSeminar)
	}
	first := e.announce(store.TopicSeminar, 2) // batches at now, now+1s
	second := e.announce(store.TopicSeminar, 2)
	checkTime(t, "first.SendAt", first.SendAt, e.now)
	checkTime(t, "second.SendAt (after the first's last batch)", second.SendAt, e.now.Add(2*time.Second))
}

func testAnnouncementComplete(t *testing.T, open Opener) {
	workers := river.NewWorkers()
	s := open(t, store.Options{Workers: workers, MaxWorkers: 1, FetchPollInterval: 50 * time.Millisecond})
	e := &env{t: t, ctx: t.Context(), s: s, now: time.Now().UTC().Truncate(time.Second)}
	var mu sync.Mutex
	runs := map[int]int{}
	completed := make(chan error, 10)
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, job *river.Job[store.AnnounceBatchArgs]) error {
		mu.Lock()
		runs[job.Args.Batch]++
		mu.Unlock()
		err := s.CompleteBatch(ctx, job, e.now)
		completed <- err
		return err
	}))
	for i := range 3 {
		e.subscribe(fmt.Sprintf("U%d", i), store.TopicSeminar)
	}
	a := e.announce(store.TopicSeminar, 2)
	e.startJobs()
	for range a.Batches {
		select {
		case err := <-completed:
			if err != nil {
				t.Fatalf("CompleteBatch: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("the batches' jobs did not run")
		}
	}
	got, err := s.Announcement(e.ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Sent != 3 || got.SentBatches != 2 {
		t.Errorf("after both batches: sent %d in %d batches, want 3 in 2", got.Sent, got.SentBatches)
	}
	b, _ := s.AnnouncementBatch(e.ctx, a.ID, 0)
	checkTime(t, "batch 0 SentAt", b.SentAt, e.now)
	mu.Lock()
	defer mu.Unlock()
	if runs[0] != 1 || runs[1] != 1 {
		t.Errorf("runs per batch = %v, want each once", runs)
	}
}

func testAnnouncementErased(t *testing.T, open Opener) {
	e := newEnv(t, open)
	e.subscribe("U1", store.TopicSeminar)
	e.subscribe("U2", store.TopicSeminar)
	if _, err := e.s.MarkAsked(e.ctx, "U1", e.now); err != nil {
		t.Fatal(err)
	}
	a := e.announce(store.TopicSeminar, 10)
	if err := e.s.DeleteUserData(e.ctx, "U1"); err != nil {
		t.Fatal(err)
	}
	if sub, err := e.s.Subscription(e.ctx, "U1"); err != nil || len(sub.Topics) != 0 || !sub.AskedAt.IsZero() {
		t.Errorf("Subscription(U1) after deletion = %+v, %v; want nothing", sub, err)
	}
	if got := e.members(a.ID, 0); !slices.Equal(got, []string{"U2"}) {
		t.Errorf("members after U1's deletion = %q, want [U2]", got)
	}
	if _, err := e.s.PurgeBefore(e.ctx, e.now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if got := e.members(a.ID, 0); len(got) != 0 {
		t.Errorf("members after the purge = %q, want none", got)
	}
}

func testAnnouncementSecondStaff(t *testing.T, open Opener) {
	e := newEnv(t, open)
	e.startJobs()
	e.subscribe("U1", store.TopicSeminar)
	a, err := e.s.CreateAnnouncement(e.ctx, store.NewAnnouncement{
		Announcement: store.Announcement{Topic: store.TopicSeminar, Text: "お知らせ", CreatedBy: "森", CreatedAt: e.now, SendAt: e.now},
		SecondStaff:  true,
	})
	if err != nil || a.ApprovedBy != "" || a.Recipients != 1 {
		t.Fatalf("CreateAnnouncement(SecondStaff) = %+v, %v; want one recipient, waiting", a, err)
	}
	if _, err := e.s.ApproveAnnouncement(e.ctx, a.ID, "森", e.now, time.Second); !errors.Is(err, store.ErrSameStaff) {
		t.Errorf("the author's approval: err = %v, want ErrSameStaff", err)
	}
	won, refused := Race(t, 4, store.ErrApproved, func(int) error {
		_, err := e.s.ApproveAnnouncement(e.ctx, a.ID, "田中", e.now, time.Second)
		return err
	})
	if won != 1 || refused != 3 {
		t.Errorf("4 approvals at once: %d won, %d refused; want 1 and 3", won, refused)
	}
	if got, _ := e.s.Announcement(e.ctx, a.ID); got.ApprovedBy != "田中" {
		t.Errorf("ApprovedBy = %q, want 田中", got.ApprovedBy)
	}
}
