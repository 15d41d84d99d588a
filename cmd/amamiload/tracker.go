package main

import (
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"
)

// An event is one webhook event sent to the server under test, followed
// from its sending to the reply the fake LINE API receives for it.
type event struct {
	user     string
	token    string // its reply token, which the server's reply carries back
	retryKey string // the X-Line-Retry-Key of the push that stands in for its reply

	sent, acked time.Time
	ackErr      string // why the webhook was not acknowledged with 200, if it was not
	replied     time.Time
	viaPush     bool          // the reply came as a push (the reply token was not used)
	guessed     bool          // the push had no known retry key: it was matched by order, not by the event
	done        chan struct{} // closed when the reply arrives
	deliveries  int           // webhooks posted for it: more than one were redeliveries
	answers     int           // replies and pushes accepted for it: more than one is a doubled answer
	text        string        // the body of its first answer
}

// A tracker matches the replies and pushes the fake LINE API receives to the
// events that caused them: a reply by its token, a push by its retry key or
// else to the user's oldest event still waiting (a user's events are
// answered in order). It is safe for concurrent use.
type tracker struct {
	mu        sync.Mutex
	events    []*event
	byToken   map[string]*event
	byRetry   map[string]*event
	waiting   map[string][]*event // per user, the events without a reply, oldest first
	unmatched int                 // replies and pushes that answer no waiting event
}

func newTracker() *tracker {
	return &tracker{byToken: map[string]*event{}, byRetry: map[string]*event{}, waiting: map[string][]*event{}}
}

// retryKeySpace and pushRetryKey follow bot/line/push.go: the server derives
// the retry key of a reply's fallback push from the webhook event id, which
// is how a push is told apart from another of the same user.
var retryKeySpace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://github.com/amamibot/amamibot/bot/line"))

func pushRetryKey(eventID string) string {
	return uuid.NewSHA1(retryKeySpace, []byte("reply:"+eventID)).String()
}

// add records an event (with its webhook event id) about to be sent.
func (t *tracker) add(user, token, eventID string, at time.Time) *event {
	e := &event{user: user, token: token, retryKey: pushRetryKey(eventID), sent: at, done: make(chan struct{})}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.events = append(t.events, e)
	t.byToken[token] = e
	t.byRetry[e.retryKey] = e
	t.waiting[user] = append(t.waiting[user], e)
	return e
}

// ack records the server's answer to the event's webhook: errMsg is empty for a 200.
func (t *tracker) ack(e *event, at time.Time, errMsg string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e.acked, e.ackErr = at, errMsg
	e.deliveries++
}

// reply records a reply call with token and its body; false means the token
// is unknown or was used already, which LINE answers with 400.
func (t *tracker) reply(token, body string, at time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	e := t.byToken[token]
	if e == nil || e.token == "" {
		t.unmatched++
		return false
	}
	e.token = "" // LINE takes a reply token once
	t.answer(e, body, at, false, false)
	return true
}

// push records a push to user with retryKey and its body, the fallback of a
// reply that could not be used; false means it answers no event: none has
// the retry key and none of the user's is waiting.
func (t *tracker) push(user, retryKey, body string, at time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	e := t.byRetry[retryKey]
	if e == nil {
		w := t.waiting[user]
		if len(w) == 0 {
			t.unmatched++
			return false
		}
		e = w[0]
	}
	t.answer(e, body, at, true, retryKey != e.retryKey)
	return true
}

// answer counts an answer to e and marks e replied by the first; guessed
// means the answer was matched to e by order; t.mu is held.
func (t *tracker) answer(e *event, body string, at time.Time, viaPush, guessed bool) {
	e.answers++
	if e.answers > 1 {
		return
	}
	e.replied, e.viaPush, e.guessed, e.text = at, viaPush, guessed, body
	close(e.done)
	w := t.waiting[e.user]
	for i, x := range w {
		if x == e {
			w = append(w[:i:i], w[i+1:]...)
			break
		}
	}
	if len(w) == 0 {
		delete(t.waiting, e.user)
	} else {
		t.waiting[e.user] = w
	}
}

// outstanding counts the acknowledged events still without a reply.
func (t *tracker) outstanding() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, w := range t.waiting {
		for _, e := range w {
			if !e.acked.IsZero() && e.ackErr == "" {
				n++
			}
		}
	}
	return n
}

// tally is what a tracker saw, for the report.
type tally struct {
	Sent         int            `json:"events_sent"`
	AcksOK       int            `json:"acks_ok"`
	AckErrors    int            `json:"ack_errors"`
	AckErrorKind map[string]int `json:"ack_error_kinds,omitempty"`
	Ack          latency        `json:"ack"`

	Replies        int     `json:"replies_received"`
	RepliesPush    int     `json:"replies_via_push"`
	Reply          latency `json:"reply_latency"`
	Missing        int     `json:"replies_missing"`
	Unmatched      int     `json:"replies_unmatched"`
	RepliesInRun   int     `json:"-"`
	RepliesPerSec  float64 `json:"turns_per_s"`
	EventsPerSec   float64 `json:"events_per_s"`
	RepliedNoAckOK int     `json:"replies_to_unacked_events,omitempty"`
	// OutOfOrder counts the users who got the answer to a later event of
	// theirs before the answer to an earlier one (see outOfOrder).
	OutOfOrder int `json:"replies_out_of_order"`
	// OrderAtStake counts the events sent while an earlier event of their
	// user awaited its answer: where an answer could overtake another.
	// Closed-loop users wait for each answer: there it is 0 unless an
	// answer took longer than --reply-timeout.
	OrderAtStake int `json:"events_sent_before_previous_reply"`
}

// tally sums up the events sent from start for d: ack latencies of the
// acknowledged, reply latencies from the acknowledgement, and the events
// acknowledged but never answered.
func (t *tracker) tally(start time.Time, d time.Duration) tally {
	t.mu.Lock()
	defer t.mu.Unlock()
	var (
		out         = tally{Sent: len(t.events), Unmatched: t.unmatched}
		acks, reply []time.Duration
		end         = start.Add(d)
	)
	for _, e := range t.events {
		switch {
		case e.acked.IsZero():
			out.AckErrors++
			out.addKind("no answer")
		case e.ackErr != "":
			out.AckErrors++
			out.addKind(e.ackErr)
		default:
			out.AcksOK++
			acks = append(acks, e.acked.Sub(e.sent))
		}
		ok := !e.acked.IsZero() && e.ackErr == ""
		switch {
		case e.replied.IsZero():
			if ok {
				out.Missing++
			}
			continue
		case !ok:
			out.RepliedNoAckOK++
		default:
			// A fast turn can reply before the acknowledgement reaches
			// the sender; that counts as no wait at all.
			reply = append(reply, max(e.replied.Sub(e.acked), 0))
		}
		out.Replies++
		if e.viaPush {
			out.RepliesPush++
		}
		if !e.replied.After(end) {
			out.RepliesInRun++
		}
	}
	out.Ack, out.Reply = summarise(acks), summarise(reply)
	out.OutOfOrder, out.OrderAtStake = t.outOfOrder()
	if secs := d.Seconds(); secs > 0 {
		out.RepliesPerSec = float64(int(float64(out.RepliesInRun)/secs*10)) / 10
		out.EventsPerSec = float64(int(float64(out.Sent)/secs*10)) / 10
	}
	return out
}

func (t *tally) addKind(kind string) {
	if t.AckErrorKind == nil {
		t.AckErrorKind = map[string]int{}
	}
	t.AckErrorKind[kind]++
}

// outOfOrder counts the users whose answers reached the fake LINE API in
// another order than their events: the answer to a later event arrived
// before the answer to an earlier one. Only pairs whose order is known
// count, which makes the count exact: the earlier event was acknowledged
// (recorded by the server) before the later one was sent, and each answer
// is tied to its own event, by its reply token or by the push retry key
// the server derives from the event id. A push matched to the user's
// oldest waiting event was matched by assuming the order, so it cannot
// show the order broken: those events are left out. atStake counts the
// events of those pairs sent before the earlier one's answer arrived.
// t.mu is held.
func (t *tracker) outOfOrder() (users, atStake int) {
	byUser := map[string][]*event{}
	for _, e := range t.events {
		if !e.replied.IsZero() && !e.guessed {
			byUser[e.user] = append(byUser[e.user], e)
		}
	}
	for _, sent := range byUser {
		slices.SortStableFunc(sent, func(a, b *event) int { return a.sent.Compare(b.sent) })
		var acked []*event
		for _, e := range sent {
			if !e.acked.IsZero() && e.ackErr == "" {
				acked = append(acked, e)
			}
		}
		slices.SortStableFunc(acked, func(a, b *event) int { return a.acked.Compare(b.acked) })
		// Walk the events in the order they were sent, keeping the latest
		// answer among the events acknowledged before the one at hand:
		// answered after it, it was answered out of order.
		var latest time.Time
		j, swapped := 0, false
		for _, e := range sent {
			for ; j < len(acked) && acked[j].acked.Before(e.sent); j++ {
				if acked[j].replied.After(latest) {
					latest = acked[j].replied
				}
			}
			if e.sent.Before(latest) {
				atStake++
			}
			swapped = swapped || e.replied.Before(latest)
		}
		if swapped {
			users++
		}
	}
	return users, atStake
}
