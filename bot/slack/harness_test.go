package slack_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"

	slackbot "github.com/amamibot/amamibot/bot/slack"
	"github.com/amamibot/amamibot/bot/slack/slackfake"
	"github.com/amamibot/amamibot/match"
	"github.com/amamibot/amamibot/store"
)

const (
	secret = "test-signing-secret"
	wait   = 15 * time.Second // for a job to run; generous on a busy machine
)

// fullStore is a store with every part the Slack channel and its tests use.
type fullStore interface {
	store.Store
	store.Staffing
	store.Consultations
}

type opener func(t *testing.T, opts store.Options) store.Store

// harness is the Slack channel as serve wires it: store, River workers and
// handlers, talking to a strict fake Slack.
type harness struct {
	st       fullStore
	srv      *slackfake.Server
	app      *slackbot.App
	actions  http.Handler
	commands http.Handler
	told     *recorder[store.OwnerDecisionArgs] // the LINE side, recorded
	logs     *logBuffer
}

type options struct {
	wrap    func(fullStore) slackbot.Store // what the app sees of the store
	stopped bool                           // leave the jobs stopped
	workers int                            // jobs worked at once; 0: one, so that settle works
	batches bool                           // mark announcement batches sent, as LINE's worker does
	second  bool                           // announcements wait for a second staff member
}

func newHarness(t *testing.T, open opener, opt options) *harness {
	t.Helper()
	logger, logs := newLogger()
	// The fake first, so that its cleanup (which reports what Slack would
	// have refused) runs after the store's has stopped the jobs.
	srv := slackfake.NewServer(t)
	workers := river.NewWorkers()
	told := &recorder[store.OwnerDecisionArgs]{}
	river.AddWorker(workers, told)
	river.AddWorker(workers, &recorder[store.BookingReminderArgs]{})
	river.AddWorker(workers, &recorder[store.ReminderArgs]{})
	river.AddWorker(workers, &recorder[sentinelArgs]{})
	opened := open(t, store.Options{Workers: workers, MaxWorkers: max(opt.workers, 1), FetchPollInterval: 20 * time.Millisecond, Logger: logger})
	st, ok := opened.(fullStore)
	if !ok {
		t.Fatalf("the %s store does not implement store.Staffing and store.Consultations", opened.Backend())
	}
	var seen slackbot.Store = st
	if opt.wrap != nil {
		seen = opt.wrap(st)
	}
	app, err := slackbot.New(t.Context(), slackbot.Config{
		BotToken: srv.Token, SigningSecret: secret, ChannelID: srv.Channel, APIURL: srv.APIURL, Logger: logger,
		AnnounceSecondStaff: opt.second,
	}, seen)
	if err != nil {
		t.Fatalf("slack app: %v", err)
	}
	app.AddWorkers(workers)
	if opt.batches {
		river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, job *river.Job[store.AnnounceBatchArgs]) error {
			return st.CompleteBatch(ctx, job, time.Now())
		}))
	}
	h := &harness{st: st, srv: srv, app: app, actions: app.Actions(), commands: app.Commands(), told: told, logs: logs}
	if !opt.stopped {
		h.start(t)
	}
	return h
}

func (h *harness) start(t *testing.T) {
	t.Helper()
	if err := h.st.StartJobs(context.Background()); err != nil {
		t.Fatalf("start jobs: %v", err)
	}
}

// settle waits until every job due now has been worked: jobs run one at a
// time in River's order, so once a sentinel inserted now has run, so have
// the jobs inserted before it.
func (h *harness) settle(t *testing.T) {
	t.Helper()
	n := sentinels.Add(1)
	if err := h.st.InsertJob(t.Context(), sentinelArgs{N: n}, nil); err != nil {
		t.Fatalf("insert sentinel: %v", err)
	}
	deadline := time.Now().Add(wait)
	for !sentinelRan(n) {
		if time.Now().After(deadline) {
			t.Fatal("the jobs did not settle")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

var (
	sentinels atomic.Int64
	ranMu     sync.Mutex
	ran       = map[int64]bool{}
)

type sentinelArgs struct {
	N int64 `json:"n"`
}

func (sentinelArgs) Kind() string { return "slack_test_sentinel" }

func sentinelRan(n int64) bool {
	ranMu.Lock()
	defer ranMu.Unlock()
	return ran[n]
}

// recorder is a worker that records the jobs it works.
type recorder[T river.JobArgs] struct {
	river.WorkerDefaults[T]
	mu   sync.Mutex
	jobs []T
}

func (r *recorder[T]) Work(ctx context.Context, job *river.Job[T]) error {
	if s, ok := any(job.Args).(sentinelArgs); ok {
		ranMu.Lock()
		ran[s.N] = true
		ranMu.Unlock()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.jobs = append(r.jobs, job.Args)
	return nil
}

func (r *recorder[T]) Jobs() []T {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]T(nil), r.jobs...)
}

var seq atomic.Int64

// request records an owner's introduction request, which queues its alert.
func (h *harness) request(t *testing.T, company string) store.Introduction {
	t.Helper()
	ctx := t.Context()
	n := seq.Add(1)
	user := fmt.Sprintf("U%032d", n)
	talent := match.Talent{ID: fmt.Sprintf("t-%d", n), DisplayName: "佐藤花子", Headline: "MEOコンサルタント", Categories: []string{"marketing"}, WorkStyle: "remote"}
	if err := h.st.UpsertTalents(ctx, []match.Talent{talent}); err != nil {
		t.Fatalf("upsert talent: %v", err)
	}
	if err := h.st.SaveOwner(ctx, store.Owner{UserID: user, Company: company, Contact: "0997-00-0000", UpdatedAt: time.Now()}); err != nil {
		t.Fatalf("save owner: %v", err)
	}
	in, err := h.st.RequestIntroduction(ctx, store.IntroRequest{
		UserID: user, TalentID: talent.ID, Problem: "グーグルマップで店が出てこない", Category: "marketing",
		Reasons: []string{"MEO対策の経験"}, Now: time.Now(),
	})
	if err != nil {
		t.Fatalf("request introduction: %v", err)
	}
	return in
}

// alert waits for the request's alert to be posted and recorded, and
// returns the message.
func (h *harness) alert(t *testing.T, id int64) slackfake.Message {
	t.Helper()
	deadline := time.Now().Add(wait)
	for {
		in, err := h.st.Introduction(t.Context(), id)
		if err != nil {
			t.Fatalf("introduction %d: %v", id, err)
		}
		if in.AlertTS != "" {
			for _, m := range h.srv.Messages(in.AlertChannel) {
				if m.TS == in.AlertTS {
					return m
				}
			}
			t.Fatalf("introduction %d: alert recorded at %s %s, which Slack does not have", id, in.AlertChannel, in.AlertTS)
		}
		if time.Now().After(deadline) {
			t.Fatalf("introduction %d: no alert recorded after %v; Slack saw:\n%v", id, wait, h.srv.Calls())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// click posts a signed interaction payload to the actions handler.
func (h *harness) click(payload []byte) *httptest.ResponseRecorder {
	body := slackfake.Form(payload)
	return send(h.actions, "/slack/actions", body, slackfake.Sign(secret, time.Now(), body))
}

// send posts body with header to handler.
func send(handler http.Handler, path string, body []byte, header http.Header) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	for k, v := range header {
		r.Header[k] = v
	}
	w := httptest.NewRecorder()
	handler.ServeHTTP(w, r)
	return w
}

// logBuffer collects log lines for assertions; safe for concurrent use.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newLogger() (*slog.Logger, *logBuffer) {
	var b logBuffer
	return slog.New(slog.NewTextHandler(&b, &slog.HandlerOptions{Level: slog.LevelDebug})), &b
}

var tokyo = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		panic(err)
	}
	return loc
}()
