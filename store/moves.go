package store

import (
	"context"
	"errors"
	"time"
)

// ErrOtherSeries: the seminar to move to is not another upcoming date of
// the registration's series.
var ErrOtherSeries = errors.New("not another date of the same seminar")

// MoveRequest moves the user's registration ID to seminar To.
type MoveRequest struct {
	UserID string
	ID     int64
	To     string
	// Waitlist: when the venue of To is full, join its waitlist instead of
	// failing with ErrVenueFull.
	Waitlist bool
	Now      time.Time
}

// MoveResult tells what a move changed.
type MoveResult struct {
	Moved Registration // the new registration
	// Offered is the attendee of the old date now offered the venue seat
	// the move freed, if any.
	Offered *Registration
}

// Moves changes the date of a registration.
type Moves interface {
	// MoveRegistration moves an active registration to another upcoming
	// date of its series (Seminar.SeriesKey) in one transaction: the new
	// registration keeps the attendance, name and company (a venue place
	// takes a seat as Register does); the old one is cancelled as
	// CancelRegistration does (its reminders cancelled, a freed venue seat
	// offered). ErrNotFound: no such active registration of the user;
	// ErrOtherSeries, ErrVenueFull, ErrAlreadyRegistered: nothing changed.
	MoveRegistration(ctx context.Context, req MoveRequest) (MoveResult, error)
}
