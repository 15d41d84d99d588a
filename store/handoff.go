package store

import (
	"context"
	"errors"
	"time"
)

var (
	// ErrHandoffActive: the user already has an active hand-off; the
	// returned Handoff is that one.
	ErrHandoffActive = errors.New("a hand-off is already active")
	// ErrHandoffClosed: the hand-off has ended; the returned Handoff says
	// how.
	ErrHandoffClosed = errors.New("hand-off closed")
	// ErrAlreadyClaimed: another staff member claimed the hand-off first;
	// the returned Handoff says who.
	ErrAlreadyClaimed = errors.New("hand-off already claimed")
	// ErrStillActive: someone spoke in the hand-off since the idle cutoff.
	ErrStillActive = errors.New("hand-off still active")
)

// HandoffState is where a hand-off stands.
type HandoffState string

const (
	HandoffOpen    HandoffState = "open"    // waiting for staff
	HandoffClaimed HandoffState = "claimed" // a staff member took it
	HandoffClosed  HandoffState = "closed"
)

// How a hand-off ended (Handoff.EndedBy), besides a staff member's name.
const (
	EndedByUser = "user" // the user went back to the bot
	EndedByIdle = "idle" // nobody wrote for the configured time
)

// Handoff is a LINE user talking to staff, who answer in a Slack thread.
type Handoff struct {
	ID        int64
	UserID    string
	State     HandoffState
	ClaimedBy string // the staff member who claimed it, as Slack shows them
	EndedBy   string // EndedByUser, EndedByIdle, or the staff member's name
	// ThreadChannel and ThreadTS are the alert that opens the thread, once
	// posted.
	ThreadChannel, ThreadTS string
	OpenedAt                time.Time
	LastActivity            time.Time // the last message either way
	FirstAnswerAt           time.Time // staff's first message to the user; zero: none yet
	ClosedAt                time.Time
}

// Active reports whether the hand-off is open or claimed.
func (h Handoff) Active() bool { return h.State != HandoffClosed }

// Kinds of hand-off message.
const (
	HandoffText    = "text"    // a person wrote Text
	HandoffMedia   = "media"   // the user sent an image, sticker…; Text names it
	HandoffEnded   = "ended"   // the hand-off ended; Author says how (Handoff.EndedBy)
	HandoffBlocked = "blocked" // LINE refused a push: the user blocked the account
)

// HandoffMessage is one message of a hand-off, waiting to be delivered to
// the user (ToUser) or to the thread.
type HandoffMessage struct {
	Seq       int64
	HandoffID int64
	UserID    string // the hand-off's user
	ToUser    bool
	Kind      string
	Text      string
	Author    string // the staff member who wrote it
	CreatedAt time.Time
}

// RecentMessage is one thing a user sent, for the alert that opens a
// hand-off.
type RecentMessage struct {
	Kind string // "text", "postback", "media"
	Text string
	At   time.Time
}

// Handoffs holds hand-offs and their messages. Every effect inserts, in its
// transaction, the jobs that deliver what it adds: HandoffAlertArgs opens
// the thread, HandoffThreadArgs delivers the messages for the thread,
// HandoffPushArgs those for the user, HandoffIdleArgs ends an idle
// hand-off. Texts are personal data: DeleteUserData and PurgeBefore erase
// them.
type Handoffs interface {
	// OpenHandoff opens a hand-off for the user, with its alert job and its
	// idle job (after idle). An active one gives ErrHandoffActive with it
	// (a partial unique index, not a read-then-write).
	OpenHandoff(ctx context.Context, userID string, now time.Time, idle time.Duration) (Handoff, error)
	// ActiveHandoff returns the user's open or claimed hand-off, or ErrNotFound.
	ActiveHandoff(ctx context.Context, userID string) (Handoff, error)
	// Handoff returns one hand-off, or ErrNotFound.
	Handoff(ctx context.Context, id int64) (Handoff, error)
	// HandoffByThread returns the hand-off whose thread starts at ts, or ErrNotFound.
	HandoffByThread(ctx context.Context, channel, ts string) (Handoff, error)
	// ActiveHandoffs lists the open and claimed hand-offs, oldest first.
	ActiveHandoffs(ctx context.Context) ([]Handoff, error)
	// SetHandoffThread records where the hand-off's alert was posted.
	SetHandoffThread(ctx context.Context, id int64, channel, ts string) error
	// ClaimHandoff records who takes the hand-off with a conditional update:
	// the first claim wins; a later one gives ErrAlreadyClaimed, one after
	// the end ErrHandoffClosed, each with the hand-off. The winning claim
	// inserts a HandoffThreadArgs job, which shows it on the alert.
	ClaimHandoff(ctx context.Context, id int64, by string, now time.Time) (Handoff, error)
	// CloseHandoff ends an active hand-off (ErrHandoffClosed with it if it
	// has ended already). endedBy is EndedByUser, EndedByIdle or a staff
	// member's name. With idleSince set, it ends it only if nobody wrote
	// after idleSince (else ErrStillActive with it). The end is a message to
	// the thread and, unless the user ended it, one to the user.
	CloseHandoff(ctx context.Context, id int64, endedBy string, now, idleSince time.Time) (Handoff, error)
	// AddHandoffMessage adds a message of an active hand-off, to the user or
	// to the thread, and counts it as activity; eventID (if any) makes a
	// redelivered event add nothing (added is false). An ended hand-off
	// gives ErrHandoffClosed. The first message of staff to the user sets
	// FirstAnswerAt.
	AddHandoffMessage(ctx context.Context, m HandoffMessage, eventID string) (h Handoff, added bool, err error)
	// NextHandoffMessage returns the hand-off's oldest undelivered message
	// that way, or ErrNotFound.
	NextHandoffMessage(ctx context.Context, handoffID int64, toUser bool) (HandoffMessage, error)
	// MarkHandoffMessageSent marks a message delivered. With blocked, LINE
	// refused it: a HandoffBlocked message goes to the thread.
	MarkHandoffMessageSent(ctx context.Context, seq int64, now time.Time, blocked bool) error
	// UserIntroductions lists the user's introduction requests, newest
	// first, at most n (for the alert that opens a hand-off).
	UserIntroductions(ctx context.Context, userID string, n int) ([]Introduction, error)
	// RecentMessages returns the user's last n messages received before
	// now, oldest first (from the inbox).
	RecentMessages(ctx context.Context, userID string, now time.Time, n int) ([]RecentMessage, error)
}

// HandoffAlertArgs posts the alert that opens a hand-off's thread.
type HandoffAlertArgs struct {
	HandoffID int64 `json:"handoff_id"`
}

func (HandoffAlertArgs) Kind() string { return "handoff_alert" }

// HandoffThreadArgs delivers the hand-off's messages for the thread, in
// order; with Refresh (a claim, the end), the alert shows the new state.
type HandoffThreadArgs struct {
	HandoffID int64 `json:"handoff_id"`
	Refresh   bool  `json:"refresh,omitempty"`
}

func (HandoffThreadArgs) Kind() string { return "handoff_thread" }

// HandoffPushArgs pushes the hand-off's messages for the user, in order.
type HandoffPushArgs struct {
	HandoffID int64 `json:"handoff_id"`
}

func (HandoffPushArgs) Kind() string { return "handoff_push" }

// HandoffIdleArgs ends the hand-off once nobody has written for After.
type HandoffIdleArgs struct {
	HandoffID int64         `json:"handoff_id"`
	After     time.Duration `json:"after"`
}

func (HandoffIdleArgs) Kind() string { return "handoff_idle" }
