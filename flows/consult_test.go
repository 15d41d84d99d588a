package flows_test

import (
	"context"
	"strings"
	"testing"

	"github.com/amamibot/amamibot/flows"
	"github.com/amamibot/amamibot/store"
)

// Moving a consultation books the new slot and frees the old one in one
// turn; when someone else takes the new slot first, the owner is told and
// keeps the booking they had.
func TestConsultationMove(t *testing.T) {
	ctx := context.Background()
	st := ownerStore(t)
	bot := &flows.Bot{Intros: st, Bookings: st, Seminars: st, Privacy: st, Matcher: demoIndex(), Loc: tokyo}
	c := newTalk(t, bot)
	book := func(user, slot string) {
		t.Helper()
		c.say(user, "個別相談", slot, "同意する", "奄美 花子", "なし", "0997-12-3456", "予約する")
	}
	active := func(user string) []string {
		t.Helper()
		bs, err := st.UserBookings(ctx, user, c.now)
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
	c.say("U1", "相談の日を変えたい")
	// Meanwhile another owner books 12月4日 10:00, the second of U1's list.
	book("U2", "2")
	got := c.say("U1", "2")
	if !strings.Contains(got[0].Text, "変更") {
		t.Fatalf("picking the new slot: %q, want the move to confirm", got[0].Text)
	}
	got = c.say("U1", "変更する")
	if !strings.Contains(got[0].Text, "先ほど埋まりました") {
		t.Errorf("the slot was taken meanwhile: %q, want it said", got[0].Text)
	}
	if ids := active("U1"); len(ids) != 1 || ids[0] != "c-1203-10" {
		t.Errorf("after the failed move U1 holds %v, want the old slot c-1203-10", ids)
	}

	c.say("U1", "キャンセル")
	c.say("U1", "相談の日を変えたい")
	c.say("U1", "4日の15時の方")
	if got := c.say("U1", "変更する"); !strings.Contains(got[0].Text, "変更しました") {
		t.Fatalf("moving: %q", got[0].Text)
	}
	if ids := active("U1"); len(ids) != 1 || ids[0] != "c-1204-15" {
		t.Errorf("after the move U1 holds %v, want only c-1204-15", ids)
	}
	free, err := st.AvailableSlots(ctx, c.now, 10)
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
	st := ownerStore(t)
	bot := &flows.Bot{Intros: st, Bookings: st, Privacy: st, Matcher: demoIndex(), Loc: tokyo}
	c := newTalk(t, bot)
	c.say("U1", "ネットショップを始めたいけど、何から手をつければいいか分からない", "1", "同意する", "奄美 花子", "なし", "owner@example.jp", "依頼する")
	intro := c.decide(st, store.Approved)
	c.say("U1", "相談日を予約する", "1", "予約する")
	bs, err := st.UserBookings(ctx, "U1", c.now)
	if err != nil || len(bs) != 1 {
		t.Fatalf("bookings: %v %v", bs, err)
	}
	if bs[0].IntroductionID != intro.ID {
		t.Errorf("the typed booking is for introduction %d, want %d", bs[0].IntroductionID, intro.ID)
	}
}
