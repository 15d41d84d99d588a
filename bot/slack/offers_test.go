package slack_test

import (
	"strings"
	"testing"
	"time"

	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/store/storetest"
)

// TestRosterShowsOffer: once a venue seat is freed, the roster shows who on
// the waitlist holds the offer, and until when.
func TestRosterShowsOffer(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite, options{})
	sem := h.seed(t)
	regs, err := h.st.SeminarRegistrations(t.Context(), sem.ID)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	res, err := h.st.CancelRegistration(t.Context(), regs[0].UserID, regs[0].ID, now)
	if err != nil || res.Offered == nil {
		t.Fatalf("cancel: %+v, %v; want the seat offered", res, err)
	}
	until := res.Offered.OfferExpiresAt.In(tokyo).Format("1月2日 15:04")
	got := h.command(t, h.srv.Channel, "roster "+sem.ID)
	want := "*キャンセル待ち*（1名）\n1. 徳之島三郎（徳之島物産） — 席をご案内中（" + until + " まで）"
	if !strings.Contains(got, want) || !res.Offered.OfferExpiresAt.After(now.Add(11*time.Hour)) {
		t.Errorf("roster:\n%s\nwant %q (an offer of %v)", got, want, store.DefaultOfferWindow)
	}
}
