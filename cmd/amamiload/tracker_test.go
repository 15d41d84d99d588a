package main

import (
	"testing"
	"time"
)

func TestTrackerMatchesRepliesByTokenAndPushesInOrder(t *testing.T) {
	tr := newTracker()
	t0 := time.Now()
	a1 := tr.add("Ua", "tok1", "ev-tok1", t0)
	a2 := tr.add("Ua", "tok2", "ev-tok2", t0)
	b1 := tr.add("Ub", "tok3", "ev-tok3", t0)
	for _, e := range []*event{a1, a2, b1} {
		tr.ack(e, t0.Add(5*time.Millisecond), "")
	}

	if !tr.reply("tok2", "", t0.Add(50*time.Millisecond)) {
		t.Fatal("a reply with a known token did not match")
	}
	if tr.reply("tok2", "", t0.Add(60*time.Millisecond)) {
		t.Error("a reply token was accepted twice")
	}
	if tr.reply("nope", "", t0) {
		t.Error("an unknown reply token matched")
	}
	// The push falls back for the user's oldest event still waiting: a1, not a2.
	if !tr.push("Ua", "", "", t0.Add(80*time.Millisecond)) {
		t.Fatal("a push to a waiting user did not match")
	}
	if a1.replied.IsZero() || !a1.viaPush {
		t.Errorf("the push answered %+v, want the oldest waiting event a1", a1)
	}
	if tr.push("Ua", "", "", t0) {
		t.Error("a push to a user with nothing waiting matched")
	}
	select {
	case <-a2.done:
	default:
		t.Error("a replied event's done channel is still open")
	}
	if n := tr.outstanding(); n != 1 {
		t.Errorf("outstanding = %d, want 1 (b1)", n)
	}

	got := tr.tally(t0, time.Second)
	if got.Sent != 3 || got.AcksOK != 3 || got.Replies != 2 || got.RepliesPush != 1 || got.Missing != 1 || got.Unmatched != 3 {
		t.Errorf("tally = %+v, want 3 sent and acknowledged, 2 replies (1 by push), 1 missing, 3 unmatched", got)
	}
	if got.Reply.Max != 75 {
		t.Errorf("reply max = %v ms, want 75 (from the acknowledgement, not the sending)", got.Reply.Max)
	}
}

func TestTallyCountsFailedAcksAndEarlyReplies(t *testing.T) {
	tr := newTracker()
	t0 := time.Now()
	failed := tr.add("Ua", "t1", "ev-t1", t0)
	tr.ack(failed, t0.Add(time.Millisecond), "status 500")
	early := tr.add("Ub", "t2", "ev-t2", t0)
	tr.reply("t2", "", t0.Add(2*time.Millisecond)) // the reply beat the acknowledgement
	tr.ack(early, t0.Add(3*time.Millisecond), "")
	late := tr.add("Uc", "t3", "ev-t3", t0)
	tr.ack(late, t0.Add(time.Millisecond), "")
	tr.reply("t3", "", t0.Add(3*time.Second)) // after the one-second run

	got := tr.tally(t0, time.Second)
	if got.AckErrors != 1 || got.AckErrorKind["status 500"] != 1 {
		t.Errorf("ack errors = %d %v, want one status 500", got.AckErrors, got.AckErrorKind)
	}
	if got.Missing != 0 {
		t.Errorf("missing = %d: an event whose webhook failed cannot miss a reply", got.Missing)
	}
	if got.Reply.P50 != 0 {
		t.Errorf("reply p50 = %v ms, want 0 for a reply that beat its acknowledgement", got.Reply.P50)
	}
	if got.RepliesInRun != 1 || got.RepliesPerSec != 1 {
		t.Errorf("replies in run = %d (%v/s), want 1: the late one came after the run", got.RepliesInRun, got.RepliesPerSec)
	}
}

// A push under the retry key of an event already answered is a second
// answer the user sees: it is counted on that event, not on the next one.
func TestTrackerCountsASecondAnswerOnItsEvent(t *testing.T) {
	tr := newTracker()
	t0 := time.Now()
	first := tr.add("Ua", "tok1", "ev1", t0)
	next := tr.add("Ua", "tok2", "ev2", t0)
	tr.reply("tok1", "done", t0)
	if !tr.push("Ua", pushRetryKey("ev1"), "done", t0) {
		t.Fatal("a push under a known retry key did not match")
	}
	if first.answers != 2 || next.answers != 0 || !next.replied.IsZero() {
		t.Errorf("answers: first %d, next %d; want the push counted on the first event, not the next", first.answers, next.answers)
	}
}

// A user whose later event is answered before an earlier one counts once,
// but only where the order is known: the earlier event was acknowledged
// before the later was sent, and both answers are tied to their events.
func TestTrackerCountsUsersAnsweredOutOfOrder(t *testing.T) {
	tr := newTracker()
	t0 := time.Now()
	ms := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }
	// sequential sends two events of user, the second after the first was acknowledged.
	sequential := func(user string) (*event, *event) {
		first := tr.add(user, user+"-1", user+"-ev1", ms(0))
		tr.ack(first, ms(5), "")
		second := tr.add(user, user+"-2", user+"-ev2", ms(10))
		tr.ack(second, ms(15), "")
		return first, second
	}

	sequential("Uswapped") // answered later event first, by reply token
	tr.reply("Uswapped-2", "", ms(50))
	tr.reply("Uswapped-1", "", ms(60))

	sequential("Upush") // the earlier event answered by its retry-key push, after the later's reply
	tr.reply("Upush-2", "", ms(50))
	tr.push("Upush", pushRetryKey("Upush-ev1"), "", ms(70))

	sequential("Uordered")
	tr.reply("Uordered-1", "", ms(50))
	tr.reply("Uordered-2", "", ms(60))

	// Both in flight at once: their order is not the sender's to say.
	c1 := tr.add("Uconcurrent", "Uconcurrent-1", "Uconcurrent-ev1", ms(0))
	c2 := tr.add("Uconcurrent", "Uconcurrent-2", "Uconcurrent-ev2", ms(1))
	tr.ack(c2, ms(5), "")
	tr.ack(c1, ms(6), "")
	tr.reply("Uconcurrent-2", "", ms(50))
	tr.reply("Uconcurrent-1", "", ms(60))

	// A push without a known retry key is matched to the oldest waiting
	// event by assuming the order: it cannot show the order broken.
	sequential("Uguessed")
	tr.reply("Uguessed-2", "", ms(50))
	tr.push("Uguessed", "", "", ms(60))

	// The earlier webhook failed: the server may never have seen it.
	f1 := tr.add("Ufailed", "Ufailed-1", "Ufailed-ev1", ms(0))
	tr.ack(f1, ms(5), "status 500")
	f2 := tr.add("Ufailed", "Ufailed-2", "Ufailed-ev2", ms(10))
	tr.ack(f2, ms(15), "")
	tr.reply("Ufailed-2", "", ms(50))
	tr.reply("Ufailed-1", "", ms(60))

	got := tr.tally(t0, time.Second)
	if got.OutOfOrder != 2 {
		t.Errorf("replies out of order = %d, want 2 (Uswapped and Upush)", got.OutOfOrder)
	}
	// Every user with a known order sent the second event before the first was answered.
	if got.OrderAtStake != 3 {
		t.Errorf("events sent before the previous reply = %d, want 3 (Uswapped, Upush, Uordered)", got.OrderAtStake)
	}
}
