// Package store keeps amamibot's records, sessions and jobs.
//
// Store is the contract. One implementation (store/sqlstore) serves two
// backends: store/postgres (for production and several replicas) and
// store/sqlite (embedded, the zero-setup default). The suite in
// store/storetest runs against both.
//
// Every effect that causes a job inserts the job in the same transaction
// (River's InsertTx), so a job exists exactly when its effect committed.
// Capacity and uniqueness are enforced by the database, never by a
// read-then-write in Go.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"
)

var (
	// ErrNotFound: the record does not exist (or is not the caller's).
	ErrNotFound = errors.New("not found")
	// ErrVenueFull: no venue seat is left and the caller did not ask for the waitlist.
	ErrVenueFull = errors.New("venue is full")
	// ErrAlreadyRegistered: the user has an active registration for the seminar.
	ErrAlreadyRegistered = errors.New("already registered")
)

// Records are the reads and effects of the store. Outside a turn each
// effect is its own transaction; inside one (Store.Turn), every call is part
// of the turn's transaction.
type Records interface {
	Seminars
	Registrations
	Inbox
	Waiting
	Outbox
	Sessions
	Talents
	Introductions
	Staffing
	Consultations
	Privacy
	Questions
	Handoffs
	Offers
	Moves
	Signals
	Announcements
	Followups
	Reports

	// InsertJob inserts a job outside of any effect (a push fallback, say);
	// inside a turn, it commits with the turn.
	InsertJob(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error
}

// Tx is a turn's view of the store: its reads see the turn's effects, and
// all of them commit together or not at all.
type Tx interface {
	Records
}

// Store is everything the server needs from persistence.
type Store interface {
	Records

	// Turn runs fn in one transaction that holds the user's lock: turns of
	// one user run one at a time, on any replica, and whatever fn does
	// through tx (effects, jobs, the session, marking the event handled)
	// commits together when fn returns nil, or not at all.
	Turn(ctx context.Context, userID string, fn func(tx Tx) error) error
	// StartJobs starts working jobs with the workers given at Open; StopJobs
	// waits for running jobs to finish (or ctx to end).
	StartJobs(ctx context.Context) error
	StopJobs(ctx context.Context) error

	// JobCounts counts the jobs in the queue by River state (for /metrics).
	JobCounts(ctx context.Context) (map[string]int, error)

	// Ping reports whether records and sessions are reachable (for /readyz).
	Ping(ctx context.Context) error
	// Backend names the backend for logs: "sqlite" or "postgres".
	Backend() string
	Close() error
}

// Seminar is a hybrid seminar: Capacity venue seats, online places unlimited.
type Seminar struct {
	ID          string
	Title       string
	StartsAt    time.Time // UTC
	EndsAt      time.Time // UTC
	Venue       string    // empty: online only
	OnlineURL   string    // empty: venue only
	Capacity    int       // venue seats
	Booked      int       // venue seats taken (confirmed venue registrations)
	Fee         string    // e.g. 「無料」「1,000円」; empty: not announced
	Description string    // what the seminar is about
	Series      string    // the seminar's dates share it; empty: the title does
}

// SeriesKey names the seminar's series: its dates are other seminars with
// the same key.
func (s Seminar) SeriesKey() string {
	if s.Series != "" {
		return s.Series
	}
	return s.Title
}

// SeatsLeft is the number of venue seats still free.
func (s Seminar) SeatsLeft() int { return max(s.Capacity-s.Booked, 0) }

// HasVenue reports whether the seminar can be attended at a venue.
func (s Seminar) HasVenue() bool { return s.Venue != "" }

// HasOnline reports whether the seminar can be attended online.
func (s Seminar) HasOnline() bool { return s.OnlineURL != "" }

// Seminars holds the programme's seminars.
type Seminars interface {
	// UpsertSeminars creates or updates seminars by ID, all or none. Booked is
	// kept as it is for existing seminars; venue seats the update adds are
	// offered to the waitlist in order (see Offers), in the same transaction.
	UpsertSeminars(ctx context.Context, seminars []Seminar) error
	// UpcomingSeminars lists seminars starting after now, soonest first.
	UpcomingSeminars(ctx context.Context, now time.Time, limit int) ([]Seminar, error)
	// Seminar returns one seminar or ErrNotFound.
	Seminar(ctx context.Context, id string) (Seminar, error)
}

// FAQ is a staff-maintained answer with example phrasings.
type FAQ struct {
	ID        string
	Questions []string
	Answer    string
}

// Question is a user's question the bot could not answer (or a request to
// talk to staff), kept for staff.
type Question struct {
	UserID  string
	Text    string
	Kind    string // "unanswered" or "staff"
	AskedAt time.Time
}

// Questions holds the staff's FAQ and the questions kept for staff. Kept
// questions are personal data: DeleteUserData and PurgeBefore erase them.
type Questions interface {
	// UpsertFAQs creates or updates FAQ rows by ID, all or none.
	UpsertFAQs(ctx context.Context, faqs []FAQ) error
	// FAQs lists every FAQ row, by ID.
	FAQs(ctx context.Context) ([]FAQ, error)
	// RecordQuestion keeps a question for staff.
	RecordQuestion(ctx context.Context, q Question) error
	// AllQuestions lists the kept questions, oldest first, for export.
	AllQuestions(ctx context.Context) ([]Question, error)
}

// Attendance is how a registered attendee takes part.
type Attendance string

const (
	Venue  Attendance = "venue"
	Online Attendance = "online"
)

// RegStatus is the state of a registration.
type RegStatus string

const (
	Confirmed  RegStatus = "confirmed"
	Waitlisted RegStatus = "waitlisted" // waiting for a venue seat
	Canceled   RegStatus = "cancelled"
)

// Registration is one attendee's place at a seminar.
type Registration struct {
	ID         int64
	SeminarID  string
	UserID     string // LINE user ID
	Attendance Attendance
	Name       string
	Company    string
	Status     RegStatus
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Seminar    Seminar // filled by reads that return registrations
	// OfferExpiresAt: the end of the window to claim a venue seat offered
	// (see Offers); zero when none was offered.
	OfferExpiresAt time.Time
}

// RegisterRequest asks for a place at a seminar.
type RegisterRequest struct {
	SeminarID  string
	UserID     string
	Attendance Attendance
	Name       string
	Company    string
	// Waitlist: when the venue is full, join the waitlist instead of
	// failing with ErrVenueFull. Only meaningful for Venue.
	Waitlist bool
	Now      time.Time
}

// CancelResult tells what a cancellation changed.
type CancelResult struct {
	Cancelled Registration
	// Offered is the waitlisted attendee now offered the freed venue seat,
	// if any.
	Offered *Registration
}

// Registrations holds seminar registrations.
type Registrations interface {
	// Register takes a place. A venue place takes a seat with a conditional
	// update (booked < capacity) or, when none is left, fails with
	// ErrVenueFull, or joins the waitlist when req.Waitlist. An active
	// registration of the same user for the same seminar gives
	// ErrAlreadyRegistered with that registration. A confirmed registration
	// schedules its ReminderArgs job in the same transaction.
	Register(ctx context.Context, req RegisterRequest) (Registration, error)
	// CancelRegistration cancels the user's active registration and its
	// reminder jobs. A freed venue seat (a confirmed one, or one held by an
	// offer: declining is cancelling) is offered to the first waitlisted
	// attendee without an offer (by creation time), who gets an OfferArgs
	// job and an OfferExpiryArgs job at the end of the window, all in one
	// transaction (see Offers). Cancelling twice gives ErrNotFound the
	// second time.
	CancelRegistration(ctx context.Context, userID string, id int64, now time.Time) (CancelResult, error)
	// Registration returns one registration with its seminar, or ErrNotFound.
	Registration(ctx context.Context, id int64) (Registration, error)
	// UserRegistrations lists the user's active (confirmed or waitlisted)
	// registrations for seminars that have not ended by now, soonest first.
	UserRegistrations(ctx context.Context, userID string, now time.Time) ([]Registration, error)
	// AllRegistrations lists every registration (all statuses) for export,
	// by seminar start then creation.
	AllRegistrations(ctx context.Context) ([]Registration, error)
}

// Event is one inbound user event (a LINE webhook event, say), recorded
// before it is handled so that nothing acknowledged is lost.
type Event struct {
	ID         string // the platform's event ID (LINE webhookEventId): the dedupe key
	UserID     string
	Kind       string // what happened: "text", "postback", "follow", "unfollow", "media"
	Text       string // message text, postback data, or the media type
	ReplyToken string
	OccurredAt time.Time
	ReceivedAt time.Time
}

// Inbox records inbound events and hands them out in order, one user at a time.
type Inbox interface {
	// RecordEvents stores the events not seen before (by ID) and, in the same
	// transaction, a TurnArgs job for each. It returns how many were new.
	RecordEvents(ctx context.Context, events []Event) (int, error)
	// NextEvent returns the user's oldest unhandled event (by OccurredAt,
	// then arrival), or ok=false when there is none.
	NextEvent(ctx context.Context, userID string) (e Event, ok bool, err error)
	// NextEvents returns up to limit of the user's oldest unhandled events,
	// in that order: a turn reads the events it handles together at once.
	NextEvents(ctx context.Context, userID string, limit int) ([]Event, error)
	// MarkHandled marks an event handled, and holds the turn's replies on
	// it (nil: none) until they are sent (Outbox); handling it again is a
	// no-op.
	MarkHandled(ctx context.Context, eventID string, now time.Time, replies []byte) error
}

// Sessions keeps each user's conversation state as opaque bytes.
type Sessions interface {
	// Session returns the stored session, or nil when there is none.
	Session(ctx context.Context, userID string) ([]byte, error)
	// SaveSession stores a session; it is kept for at least ttl.
	SaveSession(ctx context.Context, userID string, data []byte, ttl time.Duration) error
}
