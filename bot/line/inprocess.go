package line

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/riverqueue/river"
)

// FallbackDelay is the TurnJobDelay (store.Options) of a process that runs
// turns with Turns: long enough that the job finds the turn done, short
// enough that an event whose process died is answered in seconds.
const FallbackDelay = 3 * time.Second

// Turns runs users' turns in this process right after the webhook records
// their events, instead of waiting for a job fetch: the reply goes out
// milliseconds after the acknowledgement. It is only a fast path. The
// recorded events' TurnArgs jobs stay the durable fallback (store.Options
// TurnJobDelay schedules them a little later): an event this process does
// not get to (it dies, its queue is full, the turn fails) is handled by its
// job, and a job that comes after finds the event handled.
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

// StartTurns starts workers goroutines that run queued users' turns with
// w.Handle; at most queue users wait for one, the others are left to their
// jobs.
func StartTurns(w *TurnWorker, workers, queue int) *Turns {
	t := &Turns{
		handle:  w.Handle,
		logger:  w.Logger,
		queue:   make(chan string, queue),
		pending: map[string]bool{},
		stop:    make(chan struct{}),
	}
	for range workers {
		t.done.Add(1)
		go t.work()
	}
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
