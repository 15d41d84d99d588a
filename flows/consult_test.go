package flows_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/amamibot/amamibot/flows"
	"github.com/amamibot/amamibot/match"
	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/store/storetest"
)

// Moving a consultation books the new slot and frees the old one in one
// turn; when someone else takes the new slot first, the owner is told and
// keeps the booking they had.
func TestConsultationMove(t *testing.T) {
	ctx := context.Background()
	st := storetest.OpenSQLite(t, store.Options{})
	if err := st.UpsertSlots(ctx, slots()); err != nil {
		t.Fatal(err)
	}
	bot := &flows.Bot{Intros: st, Bookings: st, Seminars: st, Privacy: st, Matcher: demoIndex(), Loc: tokyo}
	now := start
	sessions := map[string]flows.Session{}
	step := func(user, text string) []flows.Reply {
		t.Helper()
		next, replies, err := bot.Step(ctx, flows.Turn{Now: now, UserID: user, Session: sessions[user], Input: flows.Input{Kind: flows.Text, Text: text}})
		if err != nil || len(replies) == 0 {
			t.Fatalf("%s %q: %v %v", user, text, replies, err)
		}
		next.LastActive = now
		sessions[user], now = next, now.Add(time.Minute)
		return replies
	}
	book := func(user, slot string) {
		t.Helper()
		for _, in := range []string{"個別相談", slot, "同意する", "奄美 花子", "なし", "0997-12-3456", "予約する"} {
			step(user, in)
		}
	}
	active := func(user string) []string {
		t.Helper()
		bs, err := st.UserBookings(ctx, user, now)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, b := range bs {
			ids = append(ids, b.SlotID)
		}
		return ids
	}

	book("U1", "1") // 12月3日 10:00
	step("U1", "相談の日を変えたい")
	// Meanwhile another owner books 12月4日 10:00, the second of U1's list.
	book("U2", "2")
	got := step("U1", "2")
	if !strings.Contains(got[0].Text, "変更") {
		t.Fatalf("picking the new slot: %q, want the move to confirm", got[0].Text)
	}
	got = step("U1", "変更する")
	if !strings.Contains(got[0].Text, "先ほど埋まりました") {
		t.Errorf("the slot was taken meanwhile: %q, want it said", got[0].Text)
	}
	if ids := active("U1"); len(ids) != 1 || ids[0] != "c-1203-10" {
		t.Errorf("after the failed move U1 holds %v, want the old slot c-1203-10", ids)
	}

	step("U1", "キャンセル")
	step("U1", "相談の日を変えたい")
	step("U1", "4日の15時の方")
	if got := step("U1", "変更する"); !strings.Contains(got[0].Text, "変更しました") {
		t.Fatalf("moving: %q", got[0].Text)
	}
	if ids := active("U1"); len(ids) != 1 || ids[0] != "c-1204-15" {
		t.Errorf("after the move U1 holds %v, want only c-1204-15", ids)
	}
	free, err := st.AvailableSlots(ctx, now, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(free) == 0 || free[0].ID != "c-1203-10" {
		t.Errorf("the old slot is not free again: %v", free)
	}
}

// After staff approve an introduction, typing the button's label (or asking
// for a consultation in words) books for that introduction, as tapping the
// button does, so that staff see which one it is for.
func TestTypedBookingKeepsIntroduction(t *testing.T) {
	ctx := context.Background()
	st := storetest.OpenSQLite(t, store.Options{})
	if err := st.UpsertTalents(ctx, match.DemoTalents()); err != nil {
		t.Fatal(err)
	}
	if err := st.UpsertSlots(ctx, slots()); err != nil {
		t.Fatal(err)
	}
	bot := &flows.Bot{Intros: st, Bookings: st, Privacy: st, Matcher: demoIndex(), Loc: tokyo}
	now := start
	var s flows.Session
	step := func(text string) {
		t.Helper()
		next, replies, err := bot.Step(ctx, flows.Turn{Now: now, UserID: "U1", Session: s, Input: flows.Input{Kind: flows.Text, Text: text}})
		if err != nil || len(replies) == 0 {
			t.Fatalf("%q: %v %v", text, replies, err)
		}
		next.LastActive = now
		s, now = next, now.Add(time.Minute)
	}
	for _, in := range []string{"ネットショップを始めたいけど、何から手をつければいいか分からない", "1", "同意する", "奄美 花子", "なし", "owner@example.jp", "依頼する"} {
		step(in)
	}
	pending, err := st.PendingIntroductions(ctx)
	if err != nil || len(pending) != 1 {
		t.Fatalf("pending introductions: %v %v", pending, err)
	}
	intro, err := st.DecideIntroduction(ctx, pending[0].ID, store.Decision{Status: store.Approved, By: "森", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []string{"相談日を予約する", "1", "予約する"} {
		step(in)
	}
	bs, err := st.UserBookings(ctx, "U1", now)
	if err != nil || len(bs) != 1 {
		t.Fatalf("bookings: %v %v", bs, err)
	}
	if bs[0].IntroductionID != intro.ID {
		t.Errorf("the typed booking is for introduction %d, want %d", bs[0].IntroductionID, intro.ID)
	}
}
