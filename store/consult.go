package store

import (
	"context"
	"errors"
	"time"

	"github.com/amamibot/amamibot/match"
)

var (
	// ErrAlreadyDecided: staff already approved or declined the request;
	// the returned Introduction says who and when.
	ErrAlreadyDecided = errors.New("introduction already decided")
	// ErrSlotTaken: the consultation slot has an active booking.
	ErrSlotTaken = errors.New("slot already booked")
)

// Decision is a staff member's answer to an introduction request.
type Decision struct {
	Status IntroStatus // Approved or Declined
	By     string      // the staff member's name, as Slack shows it
	Now    time.Time
}

// Staffing is what staff do with introduction requests.
type Staffing interface {
	// Introduction returns one request with its owner, or ErrNotFound.
	Introduction(ctx context.Context, id int64) (Introduction, error)
	// PendingIntroductions lists the requests awaiting a decision, oldest first.
	PendingIntroductions(ctx context.Context) ([]Introduction, error)
	// DecideIntroduction records the decision with a conditional update
	// (… WHERE status = 'pending'): the first decision wins. A later one
	// gives ErrAlreadyDecided with the request as decided. The winning
	// decision inserts, in its transaction, an OwnerDecisionArgs job (tell
	// the owner on LINE) and an AlertUpdateArgs job (update the Slack alert).
	DecideIntroduction(ctx context.Context, id int64, d Decision) (Introduction, error)
	// SetAlert records where the request's Slack alert was posted, so a
	// retried alert job never posts twice and decisions can update it.
	SetAlert(ctx context.Context, id int64, channel, ts string) error
	// Talent returns one professional of the pool, or ErrNotFound.
	Talent(ctx context.Context, id string) (match.Talent, error)
	// SeminarRegistrations lists a seminar's registrations (all statuses),
	// by creation, for the roster.
	SeminarRegistrations(ctx context.Context, seminarID string) ([]Registration, error)
}

// ConsultMode is how a consultation takes place.
type ConsultMode string

const (
	ConsultVenue  ConsultMode = "venue"
	ConsultOnline ConsultMode = "online"
)

// Slot is an individual consultation slot (個別相談) offered by the programme.
type Slot struct {
	ID       string
	StartsAt time.Time // UTC
	EndsAt   time.Time // UTC
	Host     string    // who holds it
	Mode     ConsultMode
}

// BookingStatus is the state of a booking.
type BookingStatus string

const (
	Booked          BookingStatus = "booked"
	BookingCanceled BookingStatus = "cancelled"
)

// Booking is an owner's consultation slot.
type Booking struct {
	ID             int64
	SlotID         string
	UserID         string
	IntroductionID int64 // 0: booked from the menu, without an introduction
	Status         BookingStatus
	CreatedAt      time.Time
	Slot           Slot  // filled by reads
	Owner          Owner // filled by reads when known
}

// BookRequest asks for a consultation slot.
type BookRequest struct {
	SlotID         string
	UserID         string
	IntroductionID int64
	Now            time.Time
}

// Consultations holds slots and bookings.
type Consultations interface {
	// UpsertSlots creates or updates slots by ID, all or none.
	UpsertSlots(ctx context.Context, slots []Slot) error
	// Slot returns one slot, or ErrNotFound.
	Slot(ctx context.Context, id string) (Slot, error)
	// AvailableSlots lists slots starting after now with no active booking,
	// soonest first.
	AvailableSlots(ctx context.Context, now time.Time, limit int) ([]Slot, error)
	// BookSlot books a slot. A slot with an active booking gives
	// ErrSlotTaken — a unique key, so two replicas cannot both book it; a
	// slot that has started gives ErrNotFound. In the same transaction it
	// inserts a BookingNoticeArgs job (tell staff) and, when
	// BookingReminderAt is after now, a BookingReminderArgs job.
	BookSlot(ctx context.Context, req BookRequest) (Booking, error)
	// CancelBooking cancels the user's active booking, freeing the slot,
	// and inserts a BookingNoticeArgs job. Cancelling twice, or someone
	// else's booking, gives ErrNotFound.
	CancelBooking(ctx context.Context, userID string, id int64, now time.Time) (Booking, error)
	// Booking returns one booking with its slot and owner, or ErrNotFound.
	Booking(ctx context.Context, id int64) (Booking, error)
	// UserBookings lists the user's active bookings of slots that have not
	// ended by now, soonest first.
	UserBookings(ctx context.Context, userID string, now time.Time) ([]Booking, error)
	// UpcomingBookings lists every active booking of slots that have not
	// ended by now, soonest first, for staff.
	UpcomingBookings(ctx context.Context, now time.Time) ([]Booking, error)
	// AllBookings lists every booking (all statuses) by slot start, for export.
	AllBookings(ctx context.Context) ([]Booking, error)
}

// Jobs of the introduction and consultation path.

// IntroAlertArgs posts a new introduction request to staff in Slack.
// RequestIntroduction inserts it in its transaction.
type IntroAlertArgs struct {
	IntroductionID int64 `json:"introduction_id"`
}

func (IntroAlertArgs) Kind() string { return "intro_alert" }

// AlertUpdateArgs replaces a decided request's buttons with the outcome.
type AlertUpdateArgs struct {
	IntroductionID int64 `json:"introduction_id"`
}

func (AlertUpdateArgs) Kind() string { return "intro_alert_update" }

// OwnerDecisionArgs tells the owner on LINE what staff decided.
type OwnerDecisionArgs struct {
	IntroductionID int64 `json:"introduction_id"`
}

func (OwnerDecisionArgs) Kind() string { return "intro_decision" }

// BookingNoticeArgs tells staff in Slack of a booking or a cancellation.
type BookingNoticeArgs struct {
	BookingID int64         `json:"booking_id"`
	Status    BookingStatus `json:"status"` // what happened: Booked or BookingCanceled
}

func (BookingNoticeArgs) Kind() string { return "booking_notice" }

// BookingReminderArgs reminds an owner of a consultation the day before.
type BookingReminderArgs struct {
	BookingID int64 `json:"booking_id"`
}

func (BookingReminderArgs) Kind() string { return "booking_reminder" }

// BookingReminderAt is when a consultation's reminder goes out: the day before.
func BookingReminderAt(s Slot) time.Time { return s.StartsAt.Add(-24 * time.Hour) }
