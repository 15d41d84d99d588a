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
