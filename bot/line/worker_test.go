package line_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/amamibot/amamibot/bot"
	"github.com/amamibot/amamibot/bot/line"
	"github.com/amamibot/amamibot/bot/line/linetest"
	"github.com/amamibot/amamibot/flows"
	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/store/storetest"
)

const wait = 15 * time.Second // for a job to run; generous on a busy machine

var tokyo = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		panic(err)
	}
	return loc
}()

// harness is the LINE channel as serve wires it: webhook, store, River
// workers, runner and flows, sending to a strict fake LINE.
type harness struct {
	st     store.Store
	srv    *linetest.Server
	hook   http.Handler
	client *line.Client
	flows  *flows.Bot
	logs   *logBuffer
}

type opener func(t *testing.T, opts store.Options) store.Store

func newHarness(t *testing.T, open opener) *harness {
	t.Helper()
	logger, logs := newLogger()
	// The fake first, so that its cleanup (which reports what LINE would
	// have rejected) runs after the store's has stopped the jobs.
	srv := linetest.NewServer(t)
	workers := river.NewWorkers()
	st := open(t, store.Options{Workers: workers, FetchPollInterval: 20 * time.Millisecond, Logger: logger})
	client := line.NewClient(srv.Token, srv.URL, nil)
	fb := &flows.Bot{Seminars: st, Intros: st, Bookings: st, Privacy: st, Loc: tokyo}
	line.AddWorkers(workers, st, &bot.Runner{Flows: fb, Logger: logger}, client, logger)
	if err := st.StartJobs(context.Background()); err != nil {
		t.Fatalf("start jobs: %v", err)
	}
	return &harness{
		st: st, srv: srv, client: client, flows: fb, logs: logs,
		hook: &line.Webhook{Secret: secret, Inbox: st, Logger: logger},
	}
}

var seq atomic.Int64

// newUser returns a fresh LINE user ID.
func newUser() string { return fmt.Sprintf("U%032x", seq.Add(1)+1<<40) }

// newID returns a fresh webhookEventId.
func newID() string { return fmt.Sprintf("01JTEST%019d", seq.Add(1)) }

// send posts signed events to the webhook.
func (h *harness) send(t *testing.T, events ...string) {
	t.Helper()
	b := body(events...)
	if w := post(h.hook, b, sign(secret, b)); w.Code != http.StatusOK {
		t.Fatalf("webhook answered %d %s", w.Code, w.Body)
	}
}

// say sends the user's event of type typ (extra: its own fields) with a
// fresh reply token and returns the messages the user gets in answer.
func (h *harness) say(t *testing.T, user, typ, extra string) []linetest.Delivery {
	t.Helper()
	before := len(h.srv.Messages(user))
	h.send(t, evWith(newID(), user, typ, h.srv.NewReplyToken(user), time.Now(), extra))
	return h.srv.WaitMessages(t, user, before+1, wait)[before:]
}

func TestTurnRepliesWithTheReplyToken(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite)
	user := newUser()
	got := h.say(t, user, "message", textMsg("x", "メニュー"))
	if len(got) != 1 || got[0].Via != "reply" || got[0].Text != "ご用件をお選びください。" ||
		strings.Join(got[0].QuickReplies, ",") != "相談する,セミナー申込,個別相談,申込確認" {
		t.Fatalf("got %+v, want the menu as a reply with its four buttons", got)
	}
	if n := h.srv.Count("/v2/bot/message/push"); n != 0 {
		t.Errorf("%d pushes, want none: replies are free, pushes count against the quota", n)
	}
	if _, ok, _ := h.st.NextEvent(t.Context(), user); ok {
		t.Error("the event is still unhandled")
	}
}

func TestTurnFallsBackToPush(t *testing.T) {
	for name, tc := range map[string]struct {
		token  func(h *harness, user string) string
		at     time.Duration // event time, from now
		fault  *linetest.Fault
		replys int // reply attempts expected
	}{
		"stale token": {
			token: func(h *harness, user string) string { return h.srv.NewReplyToken(user) },
			at:    -2 * time.Minute, replys: 0,
		},
		"invalid token": {
			token:  func(*harness, string) string { return "already-used-token" },
			replys: 1,
		},
		"reply 500": {
			token: func(h *harness, user string) string { return h.srv.NewReplyToken(user) },
			fault: &linetest.Fault{Status: http.StatusInternalServerError}, replys: 1,
		},
	} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, storetest.OpenSQLite)
			user := newUser()
			if tc.fault != nil {
				h.srv.FailNext("/v2/bot/message/reply", 1, *tc.fault)
			}
			id := newID()
			h.send(t, evWith(id, user, "message", tc.token(h, user), time.Now().Add(tc.at), textMsg(id, "メニュー")))
			h.srv.WaitMessages(t, user, 1, wait)
			time.Sleep(200 * time.Millisecond) // room for a duplicate to show
			got := h.srv.Messages(user)
			if len(got) != 1 || got[0].Via != "push" || got[0].Text != "ご用件をお選びください。" || len(got[0].QuickReplies) != 4 {
				t.Fatalf("got %+v, want the menu once, pushed", got)
			}
			key, err := uuid.Parse(got[0].RetryKey)
			if err != nil || key.Version() != 5 {
				t.Errorf("retry key %q, want a UUID v5 derived from the event", got[0].RetryKey)
			}
			if n := h.srv.Count("/v2/bot/message/reply"); n != tc.replys {
				t.Errorf("%d reply attempts, want %d", n, tc.replys)
			}
		})
	}
}

func TestPushRetriedIsDeliveredOnce(t *testing.T) {
	for name, fault := range map[string]linetest.Fault{
		"500":         {Status: http.StatusInternalServerError},
		"answer lost": {Status: http.StatusBadGateway, Deliver: true}, // LINE sent it; the retry gets 409
	} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, storetest.OpenSQLite)
			user := newUser()
			h.srv.FailNext("/v2/bot/message/push", 1, fault)
			id := newID()
			h.send(t, evWith(id, user, "message", "", time.Now().Add(-time.Hour), textMsg(id, "メニュー")))
			deadline := time.Now().Add(wait)
			for h.srv.Count("/v2/bot/message/push") < 2 && time.Now().Before(deadline) {
				time.Sleep(50 * time.Millisecond) // River retries after about a second
			}
			time.Sleep(200 * time.Millisecond)
			if n := h.srv.Count("/v2/bot/message/push"); n != 2 {
				t.Fatalf("%d push attempts, want 2 (one failure, one retry)", n)
			}
			if got := h.srv.Messages(user); len(got) != 1 || got[0].Text != "ご用件をお選びください。" {
				t.Errorf("delivered %+v, want the menu exactly once", got)
			}
		})
	}
}

// job wraps args as River hands them to a worker.
func job[T river.JobArgs](args T) *river.Job[T] {
	return &river.Job[T]{JobRow: &rivertype.JobRow{ID: 1, Kind: args.Kind(), Attempt: 1, MaxAttempts: 25}, Args: args}
}

func TestPushWorkerOutcomes(t *testing.T) {
	logger, _ := newLogger()
	srv := linetest.NewServer(t)
	w := &line.PushWorker{Client: line.NewClient(srv.Token, srv.URL, nil), Logger: logger}
	user := newUser()
	msgs, _ := json.Marshal(line.Render([]flows.Reply{{Text: "お知らせです。"}}))
	pushArgs := func() store.PushArgs { return store.PushArgs{UserID: user, Messages: msgs, RetryKey: uuid.NewString()} }

	srv.FailNext("/v2/bot/message/push", 1, linetest.Fault{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"7"}}})
	var snooze *river.JobSnoozeError
	if err := w.Work(t.Context(), job(pushArgs())); !errors.As(err, &snooze) || snooze.Duration != 7*time.Second {
		t.Errorf("429 with Retry-After 7: %v, want a 7 s snooze", err)
	}
	srv.FailNext("/v2/bot/message/push", 1, linetest.Fault{Status: http.StatusTooManyRequests})
	if err := w.Work(t.Context(), job(pushArgs())); !errors.As(err, &snooze) || snooze.Duration != time.Minute {
		t.Errorf("429: %v, want a one-minute snooze", err)
	}
	srv.FailNext("/v2/bot/message/push", 1, linetest.Fault{Status: http.StatusTooManyRequests, Body: `{"message":"You have reached your monthly limit."}`})
	var cancel *river.JobCancelError
	if err := w.Work(t.Context(), job(pushArgs())); !errors.As(err, &cancel) {
		t.Errorf("429 monthly limit: %v, want the job cancelled: snoozing cannot help until next month", err)
	}
	srv.FailNext("/v2/bot/message/push", 1, linetest.Fault{Status: http.StatusBadRequest})
	if err := w.Work(t.Context(), job(pushArgs())); !errors.As(err, &cancel) {
		t.Errorf("400: %v, want the job cancelled: a retry cannot fix it", err)
	}
	srv.FailNext("/v2/bot/message/push", 1, linetest.Fault{Status: http.StatusInternalServerError})
	if err := w.Work(t.Context(), job(pushArgs())); err == nil || errors.As(err, &cancel) || errors.As(err, &snooze) {
		t.Errorf("500: %v, want an error River retries", err)
	}
	if n := len(srv.Messages(user)); n != 0 {
		t.Fatalf("%d messages delivered by failed pushes", n)
	}

	args := pushArgs()
	for range 2 {
		if err := w.Work(t.Context(), job(args)); err != nil {
			t.Errorf("push: %v", err)
		}
	}
	if n := len(srv.Messages(user)); n != 1 {
		t.Errorf("the same push twice delivered %d messages, want 1 (409 is success)", n)
	}
}

func TestNotifications(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite)
	ctx := t.Context()
	now := time.Now()
	sem := store.Seminar{
		ID: "dx", Title: "観光DXセミナー", StartsAt: now.Add(48 * time.Hour).Truncate(time.Minute),
		EndsAt: now.Add(50 * time.Hour).Truncate(time.Minute), Venue: "奄美市AiAiひろば", OnlineURL: "https://meet.example.jp/dx", Capacity: 1,
	}
	if err := h.st.UpsertSeminars(ctx, []store.Seminar{sem}); err != nil {
		t.Fatal(err)
	}
	register := func(user string, attendance store.Attendance, waitlist bool) store.Registration {
		reg, err := h.st.Register(ctx, store.RegisterRequest{SeminarID: sem.ID, UserID: user, Attendance: attendance, Name: "山田 太郎", Waitlist: waitlist, Now: now})
		if err != nil {
			t.Fatalf("register: %v", err)
		}
		return reg
	}
	logger, _ := newLogger()
	n := line.Notifier{Registrations: h.st, Flows: h.flows, Client: h.client, Logger: logger}
	reminder := &line.ReminderWorker{Notifier: n}
	offer := &line.OfferWorker{Notifier: n}

	first, second := newUser(), newUser()
	a := register(first, store.Venue, false)
	b := register(second, store.Venue, true) // waitlisted: the one seat is taken
	res, err := h.st.CancelRegistration(ctx, first, a.ID, now)
	if err != nil || res.Offered == nil || res.Offered.ID != b.ID {
		t.Fatalf("cancel: %+v, %v; want the seat offered to the second attendee", res, err)
	}

	// The cancelled attendee gets no reminder.
	if err := reminder.Work(ctx, job(store.ReminderArgs{RegistrationID: a.ID, Before: 24 * time.Hour})); err != nil {
		t.Errorf("reminder of a cancelled registration: %v", err)
	}
	if got := h.srv.Messages(first); len(got) != 0 {
		t.Errorf("cancelled attendee got %+v", got)
	}

	// The one offered the seat is asked once however often the job runs,
	// and not once they have claimed it.
	for range 2 {
		if err := offer.Work(ctx, job(store.OfferArgs{RegistrationID: b.ID})); err != nil {
			t.Errorf("offer: %v", err)
		}
	}
	if _, err := h.st.ClaimOffer(ctx, second, b.ID, now); err != nil {
		t.Fatalf("claim: %v", err)
	}
	if err := offer.Work(ctx, job(store.OfferArgs{RegistrationID: b.ID})); err != nil {
		t.Errorf("offer after the claim: %v", err)
	}
	// Each reminder once, however often its job runs.
	for range 2 {
		for _, before := range []time.Duration{72 * time.Hour, 24 * time.Hour} {
			if err := reminder.Work(ctx, job(store.ReminderArgs{RegistrationID: b.ID, Before: before})); err != nil {
				t.Errorf("reminder: %v", err)
			}
		}
	}
	got := h.srv.Messages(second)
	if len(got) != 3 || got[0].Via != "push" {
		t.Fatalf("the attendee offered a seat got %+v, want three pushes", got)
	}
	if !strings.HasPrefix(got[0].Text, "キャンセル待ちのセミナーの会場に空きが出ました。") ||
		!strings.Contains(got[0].Text, "観光DXセミナー") || !strings.Contains(got[0].Text, "会場: 奄美市AiAiひろば") {
		t.Errorf("the offer says %q", got[0].Text)
	}
	if !strings.HasPrefix(got[1].Text, "3日後のセミナーのご案内です。") || !strings.HasPrefix(got[2].Text, "明日のセミナーのご案内です。") ||
		!strings.Contains(got[2].Text, "観光DXセミナー") {
		t.Errorf("reminders say %q and %q", got[1].Text, got[2].Text)
	}

	// No reminder once the seminar has begun.
	late := n
	late.Now = func() time.Time { return sem.StartsAt.Add(time.Minute) }
	third := newUser()
	c := register(third, store.Online, false)
	if err := (&line.ReminderWorker{Notifier: late}).Work(ctx, job(store.ReminderArgs{RegistrationID: c.ID})); err != nil {
		t.Errorf("late reminder: %v", err)
	}
	if got := h.srv.Messages(third); len(got) != 0 {
		t.Errorf("reminder sent after the seminar began: %+v", got)
	}
	if err := reminder.Work(ctx, job(store.ReminderArgs{RegistrationID: 999999})); err != nil {
		t.Errorf("reminder of an unknown registration: %v, want it skipped", err)
	}
}

// brokenSessions is a store whose sessions are down while broken is set.
type brokenSessions struct {
	store.Store
	broken *atomic.Bool
}

func (b brokenSessions) Turn(ctx context.Context, userID string, fn func(store.Tx) error) error {
	return b.Store.Turn(ctx, userID, func(tx store.Tx) error {
		if b.broken.Load() {
			tx = brokenTx{tx}
		}
		return fn(tx)
	})
}

type brokenTx struct{ store.Tx }

func (brokenTx) Session(context.Context, string) ([]byte, error) {
	return nil, errors.New("connection refused")
}

func TestTurnFailureKeepsTheEvent(t *testing.T) {
	logger, _ := newLogger()
	srv := linetest.NewServer(t)
	st := storetest.OpenSQLite(t, store.Options{Logger: logger})
	fb := &flows.Bot{Seminars: st, Intros: st, Bookings: st, Privacy: st, Loc: tokyo}
	now := time.Now()
	broken := &atomic.Bool{}
	broken.Store(true)
	w := &line.TurnWorker{
		Store: brokenSessions{st, broken}, Client: line.NewClient(srv.Token, srv.URL, nil), Logger: logger,
		Runner: &bot.Runner{Flows: fb, Logger: logger},
		Now:    func() time.Time { return now },
	}
	user := newUser()
	e := store.Event{ID: newID(), UserID: user, Kind: "text", Text: "メニュー", ReplyToken: srv.NewReplyToken(user), OccurredAt: now, ReceivedAt: now}
	if _, err := st.RecordEvents(t.Context(), []store.Event{e}); err != nil {
		t.Fatal(err)
	}
	turn := job(store.TurnArgs{UserID: user, EventID: e.ID})
	if err := w.Work(t.Context(), turn); err == nil {
		t.Fatal("turn with the sessions down succeeded, want an error for River to retry")
	}
	if got, ok, _ := st.NextEvent(t.Context(), user); !ok || got.ID != e.ID {
		t.Fatalf("after the failed turn the event is gone (%v, %v), want it kept for the retry", got, ok)
	}

	// Back up: the retry answers.
	broken.Store(false)
	if err := w.Work(t.Context(), turn); err != nil {
		t.Fatalf("retry: %v", err)
	}
	if got := srv.Messages(user); len(got) != 1 || got[0].Text != "ご用件をお選びください。" {
		t.Errorf("after the retry the user got %+v, want the menu", got)
	}

	// An event that keeps failing long after it came is set aside, so the
	// user's later events are not held up behind it forever.
	broken.Store(true)
	old := store.Event{ID: newID(), UserID: user, Kind: "text", Text: "メニュー", OccurredAt: now.Add(-time.Hour), ReceivedAt: now.Add(-time.Hour)}
	if _, err := st.RecordEvents(t.Context(), []store.Event{old}); err != nil {
		t.Fatal(err)
	}
	if err := w.Work(t.Context(), job(store.TurnArgs{UserID: user, EventID: old.ID})); err != nil {
		t.Errorf("turn of an event failing for an hour: %v, want it set aside", err)
	}
	if _, ok, _ := st.NextEvent(t.Context(), user); ok {
		t.Error("the failing event still holds up the user's queue")
	}
}

// killBeforeCommit is a store whose turn dies once, after the flow applied
// the effect the test waits for but before the transaction commits: the
// process killed there.
type killBeforeCommit struct {
	store.Store
	when   func(store.Tx) bool
	killed *atomic.Bool
}

var errKilled = errors.New("killed")

func (k killBeforeCommit) Turn(ctx context.Context, userID string, fn func(store.Tx) error) error {
	return k.Store.Turn(ctx, userID, func(tx store.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		if k.when(tx) && k.killed.CompareAndSwap(false, true) {
			return errKilled
		}
		return nil
	})
}

// crashHarness is the LINE channel with its turns killed where a test says.
func crashHarness(t *testing.T, open opener, wrap func(store.Store) store.Store, committed func(store.ReplyArgs)) *harness {
	t.Helper()
	logger, logs := newLogger()
	srv := linetest.NewServer(t)
	workers := river.NewWorkers()
	st := open(t, store.Options{Workers: workers, FetchPollInterval: 20 * time.Millisecond, Logger: logger,
		PeriodicJobs: []*river.PeriodicJob{line.SweepJob()}})
	client := line.NewClient(srv.Token, srv.URL, nil)
	fb := &flows.Bot{Seminars: st, Intros: st, Bookings: st, Privacy: st, Loc: tokyo}
	w := &line.TurnWorker{Store: wrap(st), Runner: &bot.Runner{Flows: fb, Logger: logger}, Client: client, Logger: logger}
	line.OnCommitted(w, committed)
	river.AddWorker(workers, w)
	river.AddWorker(workers, &line.SweepWorker{Store: st, Logger: logger})
	river.AddWorker(workers, &line.ReplyWorker{Client: client, Logger: logger})
	river.AddWorker(workers, &line.PushWorker{Client: client, Logger: logger})
	if err := st.StartJobs(context.Background()); err != nil {
		t.Fatalf("start jobs: %v", err)
	}
	return &harness{st: st, srv: srv, client: client, flows: fb, logs: logs,
		hook: &line.Webhook{Secret: secret, Inbox: st, Logger: logger}}
}

// signUp walks a user through a seminar registration up to 確定する and
// returns what the user got for it, after room for a duplicate to show.
func (h *harness) signUp(t *testing.T, user string, wait time.Duration) []linetest.Delivery {
	t.Helper()
	h.say(t, user, "message", textMsg("a", "セミナー申込"))
	h.say(t, user, "postback", postbackMsg("seminar:s"))
	h.say(t, user, "postback", postbackMsg("同意する"))
	h.say(t, user, "message", textMsg("b", "山田 太郎"))
	h.say(t, user, "message", textMsg("c", "山田商店"))
	before := len(h.srv.Messages(user))
	h.send(t, evWith(newID(), user, "postback", h.srv.NewReplyToken(user), time.Now(), postbackMsg("confirm")))
	h.srv.WaitMessages(t, user, before+1, wait)
	time.Sleep(500 * time.Millisecond)
	return h.srv.Messages(user)[before:]
}

func onlineSeminar(t *testing.T, st store.Store) {
	t.Helper()
	starts := time.Now().Add(72 * time.Hour).Truncate(time.Minute)
	if err := st.UpsertSeminars(t.Context(), []store.Seminar{{
		ID: "s", Title: "勉強会", StartsAt: starts, EndsAt: starts.Add(time.Hour), OnlineURL: "https://meet.example.jp/s",
	}}); err != nil {
		t.Fatal(err)
	}
}

// TestTurnKilledBetweenEffectAndReply: a turn killed after its effect, on
// either side of the commit, answers the confirmation exactly once, and the
// registration exists once.
func TestTurnKilledBetweenEffectAndReply(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name+"/before commit", func(t *testing.T) {
			t.Parallel()
			registered := func(tx store.Tx) bool {
				regs, err := tx.AllRegistrations(context.Background())
				return err == nil && len(regs) > 0
			}
			killed := &atomic.Bool{}
			h := crashHarness(t, b.open, func(st store.Store) store.Store { return killBeforeCommit{st, registered, killed} }, nil)
			onlineSeminar(t, h.st)
			got := h.signUp(t, newUser(), wait)
			if !killed.Load() {
				t.Fatal("the turn was not killed")
			}
			checkConfirmedOnce(t, h, got)
		})
		t.Run(b.name+"/after commit", func(t *testing.T) {
			t.Parallel()
			var killed atomic.Bool
			kill := func(a store.ReplyArgs) {
				var msgs []struct{ Text string }
				json.Unmarshal(a.Messages, &msgs)
				if len(msgs) > 0 && strings.HasPrefix(msgs[0].Text, "お申し込みが完了しました。") && killed.CompareAndSwap(false, true) {
					panic("killed after the commit, before the reply") // River records the job as failed
				}
			}
			h := crashHarness(t, b.open, func(st store.Store) store.Store { return st }, kill)
			onlineSeminar(t, h.st)
			got := h.signUp(t, newUser(), 2*wait) // the sweep sends the held reply after its delay
			if !killed.Load() {
				t.Fatal("the turn was not killed")
			}
			checkConfirmedOnce(t, h, got)
		})
	}
}

func checkConfirmedOnce(t *testing.T, h *harness, got []linetest.Delivery) {
	t.Helper()
	if len(got) != 1 || !strings.HasPrefix(got[0].Text, "お申し込みが完了しました。") {
		t.Errorf("the user got %+v, want the confirmation exactly once", got)
	}
	if regs, err := h.st.AllRegistrations(context.Background()); err != nil || len(regs) != 1 {
		t.Errorf("registrations %+v (%v), want exactly one", regs, err)
	}
}

// TestReplyNotSentIsSentByTheOutbox: LINE down when the turn answers; the
// outbox entry sends the reply once LINE is back.
func TestReplyNotSentIsSentByTheOutbox(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, b.open)
			user := newUser()
			h.srv.FailNext("/v2/bot/message/reply", 1, linetest.Fault{Status: http.StatusInternalServerError})
			h.srv.FailNext("/v2/bot/message/push", 1, linetest.Fault{Status: http.StatusServiceUnavailable})
			h.say(t, user, "message", textMsg("x", "メニュー"))
			time.Sleep(500 * time.Millisecond) // room for a duplicate to show
			got := h.srv.Messages(user)
			if len(got) != 1 || got[0].Text != "ご用件をお選びください。" {
				t.Fatalf("got %+v, want the menu once", got)
			}
			if n := h.srv.Count("/v2/bot/message/reply") + h.srv.Count("/v2/bot/message/push"); n != 3 {
				t.Errorf("%d send attempts, want 3: reply and push after the turn, then the outbox entry", n)
			}
		})
	}
}

// TestLongLockWaitIsLogged: a turn kept waiting for the user's previous turn
// (a paused holder) says so in the log, naming the user only by a
// pseudonymous key, and runs once the holder is done.
func TestLongLockWaitIsLogged(t *testing.T) {
	logger, logs := newLogger()
	srv := linetest.NewServer(t)
	st := storetest.OpenPostgres(t, store.Options{Logger: logger})
	fb := &flows.Bot{Seminars: st, Intros: st, Bookings: st, Privacy: st, Loc: tokyo}
	w := &line.TurnWorker{Store: st, Client: line.NewClient(srv.Token, srv.URL, nil), Logger: logger,
		Runner: &bot.Runner{Flows: fb, Logger: logger}}
	user := newUser()
	now := time.Now()
	e := store.Event{ID: newID(), UserID: user, Kind: "text", Text: "メニュー", ReplyToken: srv.NewReplyToken(user), OccurredAt: now, ReceivedAt: now}
	if _, err := st.RecordEvents(t.Context(), []store.Event{e}); err != nil {
		t.Fatal(err)
	}
	held, release := make(chan struct{}), make(chan struct{})
	go st.Turn(t.Context(), user, func(store.Tx) error { close(held); <-release; return nil })
	<-held
	time.AfterFunc(2500*time.Millisecond, func() { close(release) })
	if err := w.Work(t.Context(), job(store.TurnArgs{UserID: user, EventID: e.ID})); err != nil {
		t.Fatalf("turn: %v", err)
	}
	if got := srv.Messages(user); len(got) != 1 {
		t.Errorf("the user got %+v, want the menu", got)
	}
	out := logs.String()
	if !strings.Contains(out, "waiting for the user's previous turn") || !strings.Contains(out, "user=") {
		t.Errorf("log:\n%s\nwant the long wait logged with the user's key", out)
	}
	if strings.Contains(out, user) {
		t.Errorf("log:\n%s\nshows the LINE user ID", out)
	}
}

// TestOutboxAfterACrashDoesNotSendTwice: the reply job of a turn whose
// process died after LINE took the reply finds the token spent and sends
// nothing more; one made after a failed send still pushes.
func TestOutboxAfterACrashDoesNotSendTwice(t *testing.T) {
	for name, tc := range map[string]struct {
		failed bool // the send right after the turn failed
		want   int  // messages the user sees
	}{
		"after a crash":       {failed: false, want: 1},
		"after a failed send": {failed: true, want: 2},
	} {
		t.Run(name, func(t *testing.T) {
			logger, _ := newLogger()
			srv := linetest.NewServer(t)
			client := line.NewClient(srv.Token, srv.URL, nil)
			user := newUser()
			token := srv.NewReplyToken(user)
			msgs := line.Render([]flows.Reply{{Text: "お申し込みが完了しました。"}})
			if err := client.Reply(t.Context(), token, msgs); err != nil { // sent before the process died
				t.Fatal(err)
			}
			raw, _ := json.Marshal(msgs)
			j := job(store.ReplyArgs{EventID: newID(), UserID: user, ReplyToken: token, OccurredAt: time.Now(), Messages: raw, Failed: tc.failed})
			w := &line.ReplyWorker{Client: client, Logger: logger}
			if err := w.Work(t.Context(), j); err != nil {
				t.Fatalf("reply job: %v", err)
			}
			if got := srv.Messages(user); len(got) != tc.want {
				t.Errorf("the user got %d messages (%+v), want %d", len(got), got, tc.want)
			}
		})
	}
}
