package storetest

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/amamibot/amamibot/store"
)

// RunHandoffs runs the contract tests of store.Handoffs against the stores
// that open returns, one fresh store per test.
func RunHandoffs(t *testing.T, open Opener) {
	runAll(t, open, []contract{
		{"Handoffs/OneActivePerUser", testHandoffOneActive},
		{"Handoffs/ClaimFirstWins", testHandoffClaim},
		{"Handoffs/MessagesInOrder", testHandoffMessages},
		{"Handoffs/Close", testHandoffClose},
		{"Handoffs/Jobs", testHandoffJobs},
		{"Handoffs/Blocked", testHandoffBlocked},
		{"Handoffs/Erased", testHandoffErased},
		{"Handoffs/RecentMessages", testHandoffRecent},
	})
}

const idle = 24 * time.Hour

func (e *env) openHandoff(user string) store.Handoff {
	e.t.Helper()
	h, err := e.s.OpenHandoff(e.ctx, user, e.now, idle)
	if err != nil {
		e.t.Fatalf("OpenHandoff(%s): %v", user, err)
	}
	return h
}

func (e *env) say(h store.Handoff, toUser bool, text, eventID string, at time.Time) bool {
	e.t.Helper()
	_, added, err := e.s.AddHandoffMessage(e.ctx, store.HandoffMessage{HandoffID: h.ID, ToUser: toUser, Kind: store.HandoffText, Text: text, Author: "森", CreatedAt: at}, eventID)
	if err != nil {
		e.t.Fatalf("AddHandoffMessage(%q): %v", text, err)
	}
	return added
}

// delivered takes the hand-off's messages that way in order, marking each
// sent, and returns their kinds and texts.
func (e *env) delivered(h store.Handoff, toUser bool) []string {
	e.t.Helper()
	var got []string
	for {
		m, err := e.s.NextHandoffMessage(e.ctx, h.ID, toUser)
		if errors.Is(err, store.ErrNotFound) {
			return got
		}
		if err != nil {
			e.t.Fatalf("NextHandoffMessage: %v", err)
		}
		if m.UserID != h.UserID {
			e.t.Errorf("message %d: user %q, want %q", m.Seq, m.UserID, h.UserID)
		}
		got = append(got, m.Kind+":"+m.Text+m.Author)
		if err := e.s.MarkHandoffMessageSent(e.ctx, m.Seq, e.now, false); err != nil {
			e.t.Fatalf("MarkHandoffMessageSent: %v", err)
		}
	}
}

func testHandoffOneActive(t *testing.T, open Opener) {
	e := newEnv(t, open)
	won, refused := Race(t, 8, store.ErrHandoffActive, func(int) error {
		_, err := e.s.OpenHandoff(e.ctx, "U1", e.now, idle)
		return err
	})
	if won != 1 || refused != 7 {
		t.Fatalf("8 opens at once: %d opened, %d refused; want 1 and 7", won, refused)
	}
	first, err := e.s.ActiveHandoff(e.ctx, "U1")
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.s.OpenHandoff(e.ctx, "U1", e.now, idle)
	if !errors.Is(err, store.ErrHandoffActive) || again.ID != first.ID {
		t.Errorf("OpenHandoff again = %d, %v; want the active %d with ErrHandoffActive", again.ID, err, first.ID)
	}
	other := e.openHandoff("U2")
	if other.ID == first.ID || other.State != store.HandoffOpen {
		t.Errorf("another user's hand-off = %+v, want a new open one", other)
	}
	if _, err := e.s.CloseHandoff(e.ctx, first.ID, store.EndedByUser, e.now, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.ActiveHandoff(e.ctx, "U1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ActiveHandoff after the end: %v, want ErrNotFound", err)
	}
	if next := e.openHandoff("U1"); next.ID == first.ID {
		t.Errorf("a hand-off after the end reuses %d", first.ID)
	}
	active, err := e.s.ActiveHandoffs(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := idsOf(active, func(h store.Handoff) string { return h.UserID }); !slices.Equal(got, []string{"U2", "U1"}) {
		t.Errorf("ActiveHandoffs = %v, want U2 then U1 (oldest first)", got)
	}
}

func testHandoffClaim(t *testing.T, open Opener) {
	e := newEnv(t, open)
	h := e.openHandoff("U1")
	if err := e.s.SetHandoffThread(e.ctx, h.ID, "C1", "1700000000.000100"); err != nil {
		t.Fatal(err)
	}
	byThread, err := e.s.HandoffByThread(e.ctx, "C1", "1700000000.000100")
	if err != nil || byThread.ID != h.ID {
		t.Fatalf("HandoffByThread = %d, %v; want %d", byThread.ID, err, h.ID)
	}
	names := []string{"森", "田中", "山田", "佐藤"}
	won, refused := Race(t, len(names), store.ErrAlreadyClaimed, func(i int) error {
		_, err := e.s.ClaimHandoff(e.ctx, h.ID, names[i], e.now)
		return err
	})
	if won != 1 || refused != len(names)-1 {
		t.Fatalf("%d claims at once: %d won, %d refused; want 1 winner", len(names), won, refused)
	}
	got, err := e.s.Handoff(e.ctx, h.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != store.HandoffClaimed || !slices.Contains(names, got.ClaimedBy) {
		t.Errorf("after the claims: %s by %q, want claimed by one of %v", got.State, got.ClaimedBy, names)
	}
	late, err := e.s.ClaimHandoff(e.ctx, h.ID, "鈴木", e.now)
	if !errors.Is(err, store.ErrAlreadyClaimed) || late.ClaimedBy != got.ClaimedBy {
		t.Errorf("a later claim = %q, %v; want ErrAlreadyClaimed naming %q", late.ClaimedBy, err, got.ClaimedBy)
	}
	if _, err := e.s.CloseHandoff(e.ctx, h.ID, got.ClaimedBy, e.now, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.ClaimHandoff(e.ctx, h.ID, "鈴木", e.now); !errors.Is(err, store.ErrHandoffClosed) {
		t.Errorf("a claim after the end: %v, want ErrHandoffClosed", err)
	}
}

func testHandoffMessages(t *testing.T, open Opener) {
	e := newEnv(t, open)
	h := e.openHandoff("U1")
	e.say(h, false, "料金を知りたいです", "line-1", e.now.Add(time.Minute))
	e.say(h, true, "お問い合わせありがとうございます", "slack-1", e.now.Add(2*time.Minute))
	if e.say(h, true, "お問い合わせありがとうございます", "slack-1", e.now.Add(3*time.Minute)) {
		t.Error("a redelivered event added its message again")
	}
	e.say(h, true, "無料です", "slack-2", e.now.Add(4*time.Minute))
	got, err := e.s.Handoff(e.ctx, h.ID)
	if err != nil {
		t.Fatal(err)
	}
	checkTime(t, "FirstAnswerAt", got.FirstAnswerAt, e.now.Add(2*time.Minute))
	checkTime(t, "LastActivity", got.LastActivity, e.now.Add(4*time.Minute))
	if d := e.delivered(h, true); !slices.Equal(d, []string{"text:お問い合わせありがとうございます森", "text:無料です森"}) {
		t.Errorf("to the user, in order: %q", d)
	}
	if d := e.delivered(h, false); !slices.Equal(d, []string{"text:料金を知りたいです森"}) {
		t.Errorf("to the thread: %q", d)
	}
	if _, err := e.s.CloseHandoff(e.ctx, h.ID, "森", e.now.Add(5*time.Minute), time.Time{}); err != nil {
		t.Fatal(err)
	}
	_, added, err := e.s.AddHandoffMessage(e.ctx, store.HandoffMessage{HandoffID: h.ID, ToUser: true, Kind: store.HandoffText, Text: "遅い返事", CreatedAt: e.now}, "slack-3")
	if !errors.Is(err, store.ErrHandoffClosed) || added {
		t.Errorf("a message after the end: added %v, %v; want ErrHandoffClosed", added, err)
	}
}

func testHandoffClose(t *testing.T, open Opener) {
	e := newEnv(t, open)
	for _, tt := range []struct {
		by           string
		toUser, toTh []string
	}{
		{"森", []string{"ended:森"}, []string{"ended:森"}},
		{store.EndedByIdle, []string{"ended:idle"}, []string{"ended:idle"}},
		{store.EndedByUser, nil, []string{"ended:user"}},
	} {
		h := e.openHandoff("U-" + tt.by)
		if tt.by == store.EndedByIdle {
			e.say(h, false, "もしもし", "", e.now.Add(time.Hour))
			_, err := e.s.CloseHandoff(e.ctx, h.ID, tt.by, e.now.Add(idle), e.now)
			if !errors.Is(err, store.ErrStillActive) {
				t.Errorf("idle end with a message since: %v, want ErrStillActive", err)
			}
			e.delivered(h, false)
		}
		closed, err := e.s.CloseHandoff(e.ctx, h.ID, tt.by, e.now.Add(2*idle), e.now.Add(idle))
		if err != nil {
			t.Fatalf("CloseHandoff by %s: %v", tt.by, err)
		}
		if closed.State != store.HandoffClosed || closed.EndedBy != tt.by || !closed.ClosedAt.Equal(e.now.Add(2*idle)) {
			t.Errorf("closed by %s: %+v", tt.by, closed)
		}
		if d := e.delivered(h, true); !slices.Equal(d, tt.toUser) {
			t.Errorf("ended by %s: to the user %q, want %q", tt.by, d, tt.toUser)
		}
		if d := e.delivered(h, false); !slices.Equal(d, tt.toTh) {
			t.Errorf("ended by %s: to the thread %q, want %q", tt.by, d, tt.toTh)
		}
		if again, err := e.s.CloseHandoff(e.ctx, h.ID, "田中", e.now, time.Time{}); !errors.Is(err, store.ErrHandoffClosed) || again.EndedBy != tt.by {
			t.Errorf("closing again: %q, %v; want ErrHandoffClosed, ended by %s", again.EndedBy, err, tt.by)
		}
	}
}

func testHandoffJobs(t *testing.T, open Opener) {
	e := newEnv(t, open)
	e.startJobs()
	h := e.openHandoff("U1")
	e.say(h, false, "こんにちは", "", e.now)
	e.say(h, true, "はい", "", e.now)
	if _, err := e.s.ClaimHandoff(e.ctx, h.ID, "森", e.now); err != nil {
		t.Fatal(err)
	}
	got := e.drain()
	want := []river.JobArgs{
		store.HandoffAlertArgs{HandoffID: h.ID},
		store.HandoffThreadArgs{HandoffID: h.ID},
		store.HandoffPushArgs{HandoffID: h.ID},
		store.HandoffThreadArgs{HandoffID: h.ID, Refresh: true},
	}
	if !slices.Equal(got, want) {
		t.Errorf("jobs = %v, want %v", got, want)
	}
}

func testHandoffBlocked(t *testing.T, open Opener) {
	e := newEnv(t, open)
	h := e.openHandoff("U1")
	e.say(h, true, "お返事です", "", e.now)
	m, err := e.s.NextHandoffMessage(e.ctx, h.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // marking twice tells the thread once
		if err := e.s.MarkHandoffMessageSent(e.ctx, m.Seq, e.now, true); err != nil {
			t.Fatal(err)
		}
	}
	if d := e.delivered(h, true); len(d) != 0 {
		t.Errorf("after a refused push, still to deliver: %q", d)
	}
	if d := e.delivered(h, false); !slices.Equal(d, []string{"blocked:"}) {
		t.Errorf("to the thread: %q, want the note that LINE refused", d)
	}
}

func testHandoffErased(t *testing.T, open Opener) {
	e := newEnv(t, open)
	old := e.openHandoff("U1")
	e.say(old, false, "個人的な相談です", "", e.now)
	e.delivered(old, false)
	if _, err := e.s.CloseHandoff(e.ctx, old.ID, "森", e.now, time.Time{}); err != nil {
		t.Fatal(err)
	}
	e.delivered(old, true)
	e.delivered(old, false)
	active := e.openHandoff("U2")
	e.say(active, false, "まだ届いていない相談", "", e.now)
	if _, err := e.s.PurgeBefore(e.ctx, e.now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.Handoff(e.ctx, old.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an ended hand-off past retention: %v, want it purged", err)
	}
	if d := e.delivered(active, false); !slices.Equal(d, []string{"text:まだ届いていない相談森"}) {
		t.Errorf("an active hand-off's undelivered message after the purge: %q", d)
	}
	if err := e.s.DeleteUserData(e.ctx, "U2"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.Handoff(e.ctx, active.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the hand-off of a user who deleted their data: %v, want it gone", err)
	}
}

func testHandoffRecent(t *testing.T, open Opener) {
	e := newEnv(t, open)
	var events []store.Event
	for i := range 12 {
		events = append(events, event(fmt.Sprintf("ev-%d", i), "U1", e.now.Add(time.Duration(i)*time.Second)))
	}
	events = append(events, event("other", "U2", e.now))
	e.record(events...)
	got, err := e.s.RecentMessages(e.ctx, "U1", e.now.Add(time.Minute), 10)
	if err != nil {
		t.Fatal(err)
	}
	texts := idsOf(got, func(m store.RecentMessage) string { return m.Text })
	want := idsOf(events[2:12], func(ev store.Event) string { return ev.Text })
	if !slices.Equal(texts, want) {
		t.Errorf("RecentMessages = %q, want the last ten, oldest first: %q", texts, want)
	}
}
