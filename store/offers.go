package store

import (
	"context"
	"errors"
	"time"
)

// ErrOfferLapsed: the offer of a venue seat was not claimed in time and the
// seat has passed to the next on the waitlist.
var ErrOfferLapsed = errors.New("the offer of a seat has lapsed")

// DefaultOfferWindow is how long a waitlisted attendee has to claim a seat
// offered to them.
const DefaultOfferWindow = 12 * time.Hour

// Offers: a venue seat freed by a cancellation (or added by an import) is
// not given silently. It is held for the first waitlisted attendee, whose
// registration stays Waitlisted with OfferExpiresAt set (the seat counts
// as booked meanwhile), and they are asked (OfferArgs). Claiming confirms
// the registration; declining is cancelling it (CancelRegistration), and so
// is letting the window pass (OfferExpiryArgs, or a claim that comes too
// late): either way the seat is offered to the next.
type Offers interface {
	// ClaimOffer confirms the user's registration id holding an offer (and
	// schedules its reminders). A confirmed one is returned as it is; an
	// offer past its window lapses there and then, with ErrOfferLapsed;
	// any other registration gives ErrNotFound.
	ClaimOffer(ctx context.Context, userID string, id int64, now time.Time) (Registration, error)
	// ExpireOffer lapses registration id's offer if its window has passed
	// at now; anything else is left as it is.
	ExpireOffer(ctx context.Context, id int64, now time.Time) error
}

// HoldsOffer reports whether the registration holds the offer of a venue
// seat.
func (r Registration) HoldsOffer() bool { return r.Status == Waitlisted && !r.OfferExpiresAt.IsZero() }

// OfferArgs asks a waitlisted attendee whether they take the seat offered.
type OfferArgs struct {
	RegistrationID int64 `json:"registration_id"`
}

func (OfferArgs) Kind() string { return "waitlist_offer" }

// OfferExpiryArgs lapses an offer nobody claimed (store.Offers.ExpireOffer).
type OfferExpiryArgs struct {
	RegistrationID int64 `json:"registration_id"`
}

func (OfferExpiryArgs) Kind() string { return "waitlist_offer_expiry" }
