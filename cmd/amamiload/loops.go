package main

import (
	"context"
	"sync"
	"time"
)

// maxInFlight bounds the webhooks awaiting an acknowledgement in the open
// loop: past it the server is not keeping up, and more goroutines would
// only measure the load generator.
const maxInFlight = 4096

// openLoop sends rate events per second for d (at most maxEvents), spread
// round robin over users, whatever the server answers, and returns when
// every webhook got its answer. It reports how many events it could not
// send because too many were in flight.
func openLoop(ctx context.Context, s *sender, users []*user, rate float64, d time.Duration, maxEvents int) (skipped int) {
	interval := time.Duration(float64(time.Second) / rate)
	total := min(int(rate*d.Seconds()), maxEvents)
	var (
		wg    sync.WaitGroup
		slots = make(chan struct{}, maxInFlight)
		start = time.Now()
	)
	for i := 0; i < total; i++ {
		// Sending on a schedule, not after the previous answer, keeps a slow
		// server from slowing the load down and hiding its latency.
		if wait := time.Until(start.Add(time.Duration(i) * interval)); wait > 0 {
			select {
			case <-time.After(wait):
			case <-ctx.Done():
			}
		}
		if ctx.Err() != nil {
			break
		}
		select {
		case slots <- struct{}{}:
		default:
			skipped++
			continue
		}
		id, text := users[i%len(users)].next(s.userID)
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.send(ctx, id, text)
			<-slots
		}()
	}
	wg.Wait()
	return skipped
}

// closedLoop runs every user at once for d (at most maxEvents in all): each
// sends its next message once it got the reply to the previous one, or
// after replyTimeout without one.
func closedLoop(ctx context.Context, s *sender, users []*user, d, replyTimeout time.Duration, maxEvents int) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		sent int
	)
	budget := func() bool {
		mu.Lock()
		defer mu.Unlock()
		sent++
		return sent <= maxEvents
	}
	for _, u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil && budget() {
				id, text := u.next(s.userID)
				e := s.send(context.WithoutCancel(ctx), id, text)
				if e.ackErr != "" {
					// Not acknowledged: no reply will come. Wait a little
					// so a failing server is not hammered in a tight loop.
					sleep(ctx, 100*time.Millisecond)
					continue
				}
				select {
				case <-e.done:
				case <-time.After(replyTimeout):
				case <-ctx.Done():
				}
			}
		}()
	}
	wg.Wait()
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// awaitReplies waits until every acknowledged event has its reply, or grace passes.
func awaitReplies(ctx context.Context, t *tracker, grace time.Duration) {
	deadline := time.Now().Add(grace)
	for t.outstanding() > 0 && time.Now().Before(deadline) && ctx.Err() == nil {
		sleep(ctx, 20*time.Millisecond)
	}
}
