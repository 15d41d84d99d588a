package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/amamibot/amamibot/store"
)

// RunOffers runs the contract of the waitlist's offers (store.Offers).
func RunOffers(t *testing.T, open Opener) {
	runAll(t, open, []contract{
		{"Offers/ClaimInTime", testOfferClaim},
		{"Offers/LateClaimPassesSeat", testOfferLateClaim},
		{"Offers/Expire", testOfferExpire},
		{"Offers/Decline", testOfferDecline},
		{"Offers/Window", testOfferWindow},
	})
}

// offered fills seminar s (one seat) with u1, puts waiting on the waitlist
// in order, and cancels u1 at now: the first of waiting is offered the seat.
func (e *env) offered(now time.Time, waiting ...string) []store.Registration {
	e.t.Helper()
	first := e.register(e.req("s", "u1", store.Venue), store.Confirmed)
	var regs []store.Registration
	for i, u := range waiting {
		req := e.req("s", u, store.Venue)
		req.Waitlist = true
		req.Now = e.now.Add(time.Duration(i) * time.Minute)
		regs = append(regs, e.register(req, store.Waitlisted))
	}
	res := e.cancel(first, now)
	if res.Offered == nil || res.Offered.ID != regs[0].ID || !res.Offered.HoldsOffer() {
		e.t.Fatalf("cancel: offered %+v, want registration %d to hold the seat", res.Offered, regs[0].ID)
	}
	return regs
}

// offer fails the test unless registration id holds an offer ending at want.
func (e *env) offer(id int64, want time.Time) {
	e.t.Helper()
	r, err := e.s.Registration(e.ctx, id)
	if err != nil || !r.HoldsOffer() || !r.OfferExpiresAt.Equal(want) {
		e.t.Errorf("registration %d: %+v (%v), want an offer until %v", id, r, err, want)
	}
}

func testOfferClaim(t *testing.T, open Opener) {
	e := newEnv(t, open)
	e.seminar("s", 72*time.Hour, 1)
	w := e.offered(e.now, "w1", "w2")
	e.offer(w[0].ID, e.now.Add(store.DefaultOfferWindow))
	e.booked("s", 1) // held
	if _, err := e.s.ClaimOffer(e.ctx, "w2", w[0].ID, e.now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("claim of someone else's offer: %v, want ErrNotFound", err)
	}
	if _, err := e.s.ClaimOffer(e.ctx, "w2", w[1].ID, e.now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("claim without an offer: %v, want ErrNotFound", err)
	}
	for range 2 { // a second tap finds it confirmed
		r, err := e.s.ClaimOffer(e.ctx, "w1", w[0].ID, e.now.Add(11*time.Hour))
		if err != nil || r.Status != store.Confirmed || r.ID != w[0].ID {
			t.Fatalf("ClaimOffer in time: %+v, %v; want confirmed", r, err)
		}
	}
	e.booked("s", 1)
	e.status(w[1].ID, store.Waitlisted)
}

func testOfferLateClaim(t *testing.T, open Opener) {
	e := newEnv(t, open)
	e.seminar("s", 72*time.Hour, 1)
	w := e.offered(e.now, "w1", "w2")
	late := e.now.Add(13 * time.Hour)
	for range 2 {
		if _, err := e.s.ClaimOffer(e.ctx, "w1", w[0].ID, late); !errors.Is(err, store.ErrOfferLapsed) {
			t.Fatalf("claim after the window: %v, want ErrOfferLapsed", err)
		}
	}
	e.status(w[0].ID, store.Canceled)
	e.offer(w[1].ID, late.Add(store.DefaultOfferWindow))
	e.booked("s", 1)
	// The lapsed attendee may join the waitlist again, at its end.
	req := e.req("s", "w1", store.Venue)
	req.Waitlist = true
	e.register(req, store.Waitlisted)
}

func testOfferExpire(t *testing.T, open Opener) {
	e := newEnv(t, open)
	e.seminar("s", 72*time.Hour, 1)
	w := e.offered(e.now, "w1")
	end := e.now.Add(store.DefaultOfferWindow)
	if err := e.s.ExpireOffer(e.ctx, w[0].ID, end.Add(-time.Minute)); err != nil {
		t.Fatalf("ExpireOffer before the end: %v", err)
	}
	e.offer(w[0].ID, end)
	for range 2 {
		if err := e.s.ExpireOffer(e.ctx, w[0].ID, end); err != nil {
			t.Fatalf("ExpireOffer at the end: %v", err)
		}
	}
	e.status(w[0].ID, store.Canceled)
	e.booked("s", 0) // nobody else waits
	if err := e.s.ExpireOffer(e.ctx, w[0].ID+1000, end); err != nil {
		t.Errorf("ExpireOffer of a missing registration: %v, want nil", err)
	}
}

func testOfferDecline(t *testing.T, open Opener) {
	e := newEnv(t, open)
	e.seminar("s", 72*time.Hour, 1)
	w := e.offered(e.now, "w1", "w2")
	res := e.cancel(w[0], e.now.Add(time.Hour))
	if res.Offered == nil || res.Offered.ID != w[1].ID {
		t.Fatalf("decline: offered %+v, want registration %d", res.Offered, w[1].ID)
	}
	e.booked("s", 1)
	if _, err := e.s.ClaimOffer(e.ctx, "w1", w[0].ID, e.now.Add(2*time.Hour)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("claim after declining: %v, want ErrNotFound", err)
	}
	e.cancel(w[1], e.now.Add(2*time.Hour))
	e.booked("s", 0)
}

func testOfferWindow(t *testing.T, open Opener) {
	e := newEnv(t, open)
	e.s = open(t, store.Options{OfferWindow: time.Hour})
	e.seminar("s", 72*time.Hour, 1)
	w := e.offered(e.now, "w1")
	e.offer(w[0].ID, e.now.Add(time.Hour))

	e = newEnv(t, open)
	m := e.seminar("s", 2*time.Hour, 1) // the default 12 hours end after it starts
	w = e.offered(e.now, "w1")
	e.offer(w[0].ID, m.StartsAt)
}
