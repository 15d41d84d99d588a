package line

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/amamibot/amamibot/store"
)

const (
	// sweepAfter is how long an event may wait for its turn before the sweep
	// (SweepWorker) gives it a job: long enough for Turns under load, short
	// enough that the events of a process that died are answered in seconds.
	sweepAfter = 3 * time.Second
	// sweepEvery is how often the sweep runs; sweepUsers bounds one sweep.
	sweepEvery = time.Second
	sweepUsers = 1000
)

// Turns runs users' turns in this process right after the webhook records
// their events, instead of waiting for a job fetch: the reply goes out
// milliseconds after the acknowledgement. It is only a fast path. The
// recorded events are the durable record (the store is opened with
// store.Options.TurnsInProcess, so they get no job when recorded): an event
// this process does not get to (it dies, its queue is full, the turn fails)
// is given a TurnArgs job by the sweep (SweepJob) a few seconds later.
//
// A user is queued once however many of their events arrive: a worker runs
// the user's turns until none is left (TurnWorker.Handle, which takes the
// user's lock), so one user's turns never run side by side and stay in order.
type Turns struct {
	handle func(ctx context.Context, user string) error
	logger *slog.Logger
	queue  chan string

	mu      sync.Mutex
	pending map[string]bool // queued or running → more events came meanwhile
	stopped bool
	stop    chan struct{}
	done    sync.WaitGroup
}

// StartTurns starts n goroutines that run queued users' turns with
// w.Handle (at most queue users wait for one; the others are left to the
// sweep), and adds the sweep's worker to jobs. The store must have been
// opened with store.Options.TurnsInProcess and SweepJob.
func StartTurns(jobs *river.Workers, w *TurnWorker, n, queue int) *Turns {
	t := &Turns{
		handle:  w.handle,
		logger:  w.Logger,
		queue:   make(chan string, queue),
		pending: map[string]bool{},
		stop:    make(chan struct{}),
	}
	for range n {
		t.done.Add(1)
		go t.work()
	}
	river.AddWorker(jobs, &SweepWorker{Store: w.Store, Turns: t, Logger: w.Logger})
	return t
}

// Run queues the user's turns; it never blocks.
func (t *Turns) Run(user string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped {
		return
	}
	if _, ok := t.pending[user]; ok {
		t.pending[user] = true // the worker looks again before it lets go
		return
	}
	select {
	case t.queue <- user:
		t.pending[user] = false
	default: // full: the events' jobs handle them
	}
}

// queued reports whether the user's turns are queued or running here.
func (t *Turns) queued(user string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, ok := t.pending[user]
	return ok
}

// Stop lets the running turns finish and runs no more; events still queued
// are their jobs'.
func (t *Turns) Stop() {
	t.mu.Lock()
	if !t.stopped {
		t.stopped = true
		close(t.stop)
	}
	t.mu.Unlock()
	t.done.Wait()
}

func (t *Turns) work() {
	defer t.done.Done()
	for {
		select {
		case <-t.stop:
			return
		case user := <-t.queue:
			for t.turns(user) {
			}
		}
	}
}

// turns runs the user's turns once, and reports whether to run them again
// for events that arrived meanwhile.
func (t *Turns) turns(user string) (again bool) {
	more := false
	ctx, cancel := context.WithTimeout(context.Background(), turnTimeout)
	err := t.handle(ctx, user)
	cancel()
	var snoozed *river.JobSnoozeError
	if errors.As(err, &snoozed) {
		err, more = nil, true // out of time with events left
	}
	if err != nil {
		// The events left are their jobs'.
		t.logger.Warn("line turn: the turn right after the webhook failed; its job will run it", "user", hashID(user), "err", err)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if (more || t.pending[user]) && err == nil && !t.stopped {
		t.pending[user] = false
		return true
	}
	delete(t.pending, user)
	return false
}

// SweepArgs asks for a TurnArgs job for every user whose events have waited
// sweepAfter for their turn (see Turns), and a ReplyArgs job for every
// turn's replies held outboxDelay without being sent (store.Outbox).
type SweepArgs struct{}

func (SweepArgs) Kind() string { return "line_turn_sweep" }

// SweepJob runs the sweep every second, on one replica at a time.
func SweepJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(sweepEvery),
		func() (river.JobArgs, *river.InsertOpts) { return SweepArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})
}

// SweepWorker gives each user whose events wait a TurnArgs job: one per
// user while it is pending or running, so that a turn that keeps failing is
// retried on River's schedule, not on every sweep. Users whose turns are
// queued here already (a burst this process is working through) are left
// to Turns: a job would only compete for their lock.
type SweepWorker struct {
	river.WorkerDefaults[SweepArgs]
	Store  store.Store
	Turns  *Turns // nil: none
	Logger *slog.Logger
}

// oneTurnJob keeps a user's sweep jobs to one until it has finished.
var oneTurnJob = river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable,
	rivertype.JobStateRunning, rivertype.JobStateScheduled,
}}

func (w *SweepWorker) Work(ctx context.Context, job *river.Job[SweepArgs]) error {
	replies, err := w.Store.OverdueReplies(ctx, time.Now().Add(-outboxDelay), sweepUsers)
	if err != nil {
		return err
	}
	if replies > 0 {
		w.Logger.InfoContext(ctx, "line reply: replies were not sent after their turns; jobs will send them", "turns", replies)
	}
	users, err := w.Store.WaitingUsers(ctx, time.Now().Add(-sweepAfter), sweepUsers)
	if err != nil {
		return err
	}
	jobs := 0
	for _, u := range users {
		if w.Turns != nil && w.Turns.queued(u) {
			continue
		}
		jobs++
		if err := w.Store.InsertJob(ctx, store.TurnArgs{UserID: u}, &river.InsertOpts{UniqueOpts: oneTurnJob}); err != nil {
			return err
		}
	}
	if jobs > 0 {
		w.Logger.InfoContext(ctx, "line turn: events waited for their turn; their jobs will run them", "users", jobs)
	}
	return nil
}
