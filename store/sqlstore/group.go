package sqlstore

import (
	"context"
	"errors"
	"slices"
	"sync"
)

// maxGroup bounds the calls one group commits.
const maxGroup = 256

// group is a group commit for the small writes made outside turns at high
// rates (webhooks' events, replies said sent): one goroutine, started
// with the first call, runs every call waiting while the previous group
// commits in one transaction. A commit costs a disk flush (milliseconds on
// SQLite, which commits one transaction at a time); a group shares it.
type group struct {
	s     *Store
	calls chan *groupCall
	once  sync.Once
	stop  chan struct{}
	done  chan struct{}
}

// A groupCall is one call waiting for its group's commit.
type groupCall struct {
	fn   func(tx view) error
	err  error
	done chan struct{}
}

func newGroup(s *Store) *group {
	return &group{s: s, calls: make(chan *groupCall), stop: make(chan struct{}), done: make(chan struct{})}
}

// do runs fn in a transaction it may share with other calls, and returns
// when that has committed. fn may run twice: when the shared transaction
// fails, each call runs again in one of its own, so that one call the
// store refuses does not fail the others.
func (g *group) do(ctx context.Context, fn func(tx view) error) error {
	g.once.Do(func() { go g.loop() })
	c := &groupCall{fn: fn, done: make(chan struct{})}
	select {
	case g.calls <- c:
	case <-ctx.Done():
		return ctx.Err()
	case <-g.stop:
		return errors.New("the store is closed")
	}
	<-c.done // whatever ctx says: the group decides
	return c.err
}

// close stops the loop after the group it is committing.
func (g *group) close() {
	close(g.stop)
	g.once.Do(func() { close(g.done) }) // never started
	<-g.done
}

func (g *group) loop() {
	defer close(g.done)
	for {
		var calls []*groupCall
		select {
		case c := <-g.calls:
			calls = append(calls, c)
		case <-g.stop:
			return
		}
	more:
		for len(calls) < maxGroup {
			select {
			case c := <-g.calls:
				calls = append(calls, c)
			default:
				break more
			}
		}
		g.commit(calls)
	}
}

func (g *group) commit(calls []*groupCall) {
	defer func() {
		for _, c := range calls {
			close(c.done)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), groupTimeout)
	defer cancel()
	if g.s.d.LockUser == "" { // see Store.Turn
		if err := g.s.writers.lock(ctx, true); err != nil {
			for _, c := range calls {
				c.err = err
			}
			return
		}
		defer g.s.writers.unlock()
	}
	err := g.s.inTx(ctx, func(tx view) error {
		for _, c := range calls {
			if err := c.fn(tx); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		return
	}
	if len(calls) == 1 {
		calls[0].err = err
		return
	}
	for _, c := range calls {
		c.err = g.s.inTx(ctx, c.fn)
	}
}

// writers lets the transactions of a database that runs one at a time
// (SQLite; Dialect.LockUser empty) take turns, the urgent ones (the group
// commit, which webhooks wait for) before the others. Left to database/sql,
// the one connection goes to any of its waiters, and a webhook waited for
// a dozen turns. The lock is handed from one holder to the next waiter.
type writers struct {
	mu     sync.Mutex
	busy   bool
	urgent []chan struct{} // waiting, first come first
	others []chan struct{}
}

// lock waits for the writers' lock, or for ctx to end.
func (w *writers) lock(ctx context.Context, urgent bool) error {
	w.mu.Lock()
	if !w.busy {
		w.busy = true
		w.mu.Unlock()
		return nil
	}
	q := &w.others
	if urgent {
		q = &w.urgent
	}
	handed := make(chan struct{})
	*q = append(*q, handed)
	w.mu.Unlock()
	select {
	case <-handed:
		return nil
	case <-ctx.Done():
	}
	w.mu.Lock()
	if i := slices.Index(*q, handed); i >= 0 {
		*q = slices.Delete(*q, i, i+1)
		w.mu.Unlock()
		return ctx.Err()
	}
	w.mu.Unlock()
	w.unlock() // handed the lock meanwhile: pass it on
	return ctx.Err()
}

func (w *writers) unlock() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, q := range []*[]chan struct{}{&w.urgent, &w.others} {
		if len(*q) > 0 {
			close((*q)[0])
			*q = (*q)[1:]
			return // still busy: the waiter holds it now
		}
	}
	w.busy = false
}
