package line_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/amamibot/amamibot/bot"
	"github.com/amamibot/amamibot/bot/line"
	"github.com/amamibot/amamibot/bot/line/linetest"
	"github.com/amamibot/amamibot/flows"
	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/store/storetest"
)

// announce subscribes n fresh users to topic and announces to them, batches
// pace apart; it returns the users and the announcement.
func announce(t *testing.T, st store.Store, n int, pace time.Duration) ([]string, store.Announcement) {
	t.Helper()
	ctx := context.Background()
	users := make([]string, n)
	for i := range users {
		users[i] = newUser()
		if err := st.SetTopics(ctx, users[i], []string{store.TopicSeminar}, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	a, err := st.CreateAnnouncement(ctx, store.NewAnnouncement{
		Announcement: store.Announcement{Topic: store.TopicSeminar, Text: "1月のセミナーの受付を始めました。",
			ButtonLabel: "申し込む", ButtonData: "セミナー申込", CreatedBy: "cli", CreatedAt: time.Now(), SendAt: time.Now()},
		Pace: pace,
	})
	if err != nil {
		t.Fatal(err)
	}
	return users, a
}

// waitSent waits until every batch of the announcement is recorded sent.
func waitSent(t *testing.T, st store.Store, id int64) store.Announcement {
	t.Helper()
	deadline := time.Now().Add(3 * wait)
	for {
		a, err := st.Announcement(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if a.SentBatches == a.Batches {
			return a
		}
		if time.Now().After(deadline) {
			t.Fatalf("announcement %d: %d of %d batches sent", id, a.SentBatches, a.Batches)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// checkOnce checks that each user got the announcement exactly once, and
// that the skipped got nothing.
func checkOnce(t *testing.T, srv *linetest.Server, users []string, skipped ...string) {
	t.Helper()
	for _, u := range users {
		got := srv.Messages(u)
		switch {
		case slices.Contains(skipped, u) && len(got) != 0:
			t.Errorf("%s, who should be skipped, got %d messages", u, len(got))
		case !slices.Contains(skipped, u) && (len(got) != 1 || got[0].Via != "multicast" ||
			got[0].Text != "1月のセミナーの受付を始めました。\n\n（お知らせの停止は「配信停止」と送ってください）" ||
			!slices.Equal(got[0].QuickReplies, []string{"申し込む"})):
			t.Fatalf("%s got %+v, want the announcement once, with its button", u, got)
		}
	}
}

// multicasts returns the status and retry key of every multicast request.
func multicasts(srv *linetest.Server) (statuses []int, keys []string) {
	for _, r := range srv.Requests() {
		if r.Operation == "multicast" {
			statuses = append(statuses, r.Status)
			keys = append(keys, r.Header.Get("X-Line-Retry-Key"))
		}
	}
	return statuses, keys
}

// TestAnnouncementInBatches: 1,001 subscribers get one message each, in
// three multicasts of at most 500 (the fake refuses more) with their own
// retry keys; who blocked the account or stopped the topic after the
// announcement was made gets nothing.
func TestAnnouncementInBatches(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, b.open)
			users, a := announce(t, h.st, 1001, 10*time.Millisecond)
			if a.Recipients != 1001 || a.Batches != 3 {
				t.Fatalf("announcement of %d recipients in %d batches, want 1001 in 3", a.Recipients, a.Batches)
			}
			ctx := context.Background()
			if err := h.st.SetBlocked(ctx, users[3], true); err != nil {
				t.Fatal(err)
			}
			if err := h.st.SetTopics(ctx, users[700], nil, time.Now()); err != nil { // 配信停止
				t.Fatal(err)
			}
			got := waitSent(t, h.st, a.ID)
			if got.Sent != 1001 {
				t.Errorf("Sent = %d, want 1001 (the recipients of the sent batches)", got.Sent)
			}
			checkOnce(t, h.srv, users, users[3], users[700])
			statuses, keys := multicasts(h.srv)
			if len(statuses) != 3 || len(slices.Compact(slices.Sorted(slices.Values(keys)))) != 3 {
				t.Errorf("multicasts answered %v with keys %q, want 3 with 3 keys", statuses, keys)
			}
		})
	}
}

// TestAnnouncementResumesAfterACrash: the multicast of one batch reaches
// LINE but its answer is lost, and the process running another dies
// between the send and the commit; the reruns send nothing twice.
func TestAnnouncementResumesAfterACrash(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			h, killed := crashAnnounceHarness(t, b.open)
			h.srv.FailNext("/v2/bot/message/multicast", 1, linetest.Fault{Status: http.StatusInternalServerError, Deliver: true})
			users, a := announce(t, h.st, 1200, 0)
			waitSent(t, h.st, a.ID)
			if !killed.Load() {
				t.Fatal("no batch was interrupted")
			}
			checkOnce(t, h.srv, users)
			statuses, _ := multicasts(h.srv)
			if slices.Index(statuses, http.StatusConflict) < 0 {
				t.Errorf("multicasts answered %v: a rerun should have met LINE's 409", statuses)
			}
		})
	}
}

// killBeforeComplete fails the first CompleteBatch, as a process that dies
// after the multicast and before its commit: the batch is not marked sent
// and River runs its job again.
type killBeforeComplete struct {
	store.Store
	killed *atomic.Bool
}

func (k killBeforeComplete) CompleteBatch(ctx context.Context, job *river.Job[store.AnnounceBatchArgs], now time.Time) error {
	if job.Args.Batch == 2 && k.killed.CompareAndSwap(false, true) {
		return errors.New("killed before the commit")
	}
	return k.Store.CompleteBatch(ctx, job, now)
}

// crashAnnounceHarness is a harness whose announcement worker dies once
// before a commit.
func crashAnnounceHarness(t *testing.T, open opener) (*harness, *atomic.Bool) {
	t.Helper()
	logger, logs := newLogger()
	srv := linetest.NewServer(t)
	workers := river.NewWorkers()
	st := open(t, store.Options{Workers: workers, FetchPollInterval: 20 * time.Millisecond, Logger: logger})
	client := line.NewClient(srv.Token, srv.URL, nil)
	fb := &flows.Bot{Seminars: st, Intros: st, Bookings: st, Privacy: st, Loc: tokyo}
	killed := &atomic.Bool{}
	river.AddWorker(workers, &line.AnnounceWorker{Store: killBeforeComplete{st, killed}, Client: client, Logger: logger})
	if err := st.StartJobs(context.Background()); err != nil {
		t.Fatalf("start jobs: %v", err)
	}
	return &harness{st: st, srv: srv, client: client, flows: fb, logs: logs}, killed
}

// TestUnfollowIsSkippedUntilFollowAgain: a user who blocks the account
// (LINE's unfollow event) is out of the next announcement's audience, and
// back in once they add the account again; nothing is sent to answer the
// unfollow.
func TestUnfollowIsSkippedUntilFollowAgain(t *testing.T) {
	logger, logs := newLogger()
	srv := linetest.NewServer(t)
	workers := river.NewWorkers()
	st := storetest.OpenSQLite(t, store.Options{Workers: workers, FetchPollInterval: 20 * time.Millisecond, Logger: logger})
	client := line.NewClient(srv.Token, srv.URL, nil)
	fb := &flows.Bot{Seminars: st, Intros: st, Bookings: st, Privacy: st, Announce: st, Loc: tokyo}
	line.AddWorkers(workers, st, &bot.Runner{Flows: fb, Logger: logger}, client, logger)
	if err := st.StartJobs(context.Background()); err != nil {
		t.Fatal(err)
	}
	h := &harness{st: st, srv: srv, client: client, flows: fb, logs: logs, hook: &line.Webhook{Secret: secret, Inbox: st, Logger: logger}}
	ctx := context.Background()
	user := newUser()
	if err := st.SetTopics(ctx, user, []string{store.TopicSeminar}, time.Now()); err != nil {
		t.Fatal(err)
	}
	audience := func(want int) {
		t.Helper()
		deadline := time.Now().Add(wait)
		for {
			n, err := st.Audience(ctx, store.TopicSeminar)
			if err == nil && n == want {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("audience = %d (%v), want %d", n, err, want)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	audience(1)
	h.send(t, evWith(newID(), user, "unfollow", "", time.Now(), ""))
	audience(0)
	h.say(t, user, "follow", `,"follow":{"isUnblocked":true}`)
	audience(1)
	for _, m := range srv.Messages(user) {
		if m.Via != "reply" {
			t.Errorf("sent %q by %s, want only the greeting's reply", m.Text, m.Via)
		}
	}
}
