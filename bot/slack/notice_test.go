package slack_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/amamibot/amamibot/bot/slack/slackfake"
	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/store/storetest"
)

// notices returns the booking notices posted so far.
func (h *harness) notices() []slackfake.Message {
	var out []slackfake.Message
	for _, m := range h.srv.Messages(h.srv.Channel) {
		if strings.Contains(m.Text, "個別相談") {
			out = append(out, m)
		}
	}
	return out
}

func TestBookingNotices(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite, options{})
	in := h.request(t, "奄美商店")
	start := time.Date(2030, 12, 11, 6, 0, 0, 0, time.UTC) // a Wednesday, 15:00 in Tokyo
	slot := store.Slot{ID: "s1", StartsAt: start, EndsAt: start.Add(30 * time.Minute), Host: "相談員 森", Mode: store.ConsultVenue}
	if err := h.st.UpsertSlots(t.Context(), []store.Slot{slot}); err != nil {
		t.Fatal(err)
	}
	b, err := h.st.BookSlot(t.Context(), store.BookRequest{SlotID: slot.ID, UserID: in.UserID, IntroductionID: in.ID, Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	booked := h.srv.WaitFor(t, h.srv.Channel, "the booking notice", wait, func(m slackfake.Message) bool {
		return strings.Contains(m.Text, "予約が入りました")
	})
	for _, want := range []string{"個別相談の予約が入りました", "*日時*\n12月11日(水) 15:00〜15:30", "*形式*\n会場",
		"*事業者*\n奄美商店", "*連絡先*\n0997-00-0000", "*担当*\n相談員 森"} {
		if !strings.Contains(booked.Shown(), want) {
			t.Errorf("the notice does not show %q; it shows:\n%s", want, booked.Shown())
		}
	}

	h.srv.FailNext("chat.postMessage", 1, slackfake.Fault{Status: http.StatusBadGateway, Deliver: true}) // posted, answer lost
	if _, err := h.st.CancelBooking(t.Context(), in.UserID, b.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	h.srv.WaitFor(t, h.srv.Channel, "the cancellation notice", wait, func(m slackfake.Message) bool {
		return strings.Contains(m.Text, "予約が取り消されました")
	})
	deadline := time.Now().Add(wait)
	for h.srv.Count("conversations.history") == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond) // the retry looks before it posts
	}
	h.settle(t)
	if n := len(h.notices()); n != 2 {
		t.Errorf("%d notices, want 2 (booked, cancelled), each once", n)
	}
	if n := h.srv.Count("conversations.history"); n != 1 {
		t.Errorf("%d history look-ups, want 1 (by the retry)", n)
	}
}
