package store

import (
	"encoding/json"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
)

// Options are what both backends take at Open besides where the data lives.
type Options struct {
	// Workers is the bundle of job workers. Workers may be added to it after
	// Open (they usually need the store) and until StartJobs.
	Workers *river.Workers
	// PeriodicJobs run on a schedule, on one process at a time (River's
	// leader), so several replicas do not run them twice.
	PeriodicJobs []*river.PeriodicJob
	// MaxWorkers bounds the jobs worked at once by this process (default
	// 50: River's 20 capped turns at about 200 a second).
	MaxWorkers int
	// FetchPollInterval is how often idle job fetchers look for new jobs
	// (default 50 ms: neither backend's driver listens for new jobs, and a
	// turn waits for the next poll).
	FetchPollInterval time.Duration
	// FetchCooldown is the least time between two fetches of one queue
	// (default 10 ms, at most FetchPollInterval).
	FetchCooldown time.Duration
	// TurnsInProcess: the process that records events runs their turns
	// itself right away (bot/line.Turns), so RecordEvents inserts no
	// TurnArgs job; the events it does not get to are found by WaitingUsers.
	TurnsInProcess bool
	Logger         *slog.Logger
	// Reminders are the seminar reminders a registration schedules (nil:
	// DefaultReminders).
	Reminders []Reminder
	// OfferWindow is how long a waitlisted attendee has to claim a seat
	// offered (0: DefaultOfferWindow).
	OfferWindow time.Duration
}

// The jobs the store inserts. Their workers live with the channel that
// delivers them (bot/line); every worker must be idempotent, since River
// delivers at least once.

// TurnArgs asks for the user's unhandled events to be handled, in order.
type TurnArgs struct {
	UserID  string `json:"user_id"`
	EventID string `json:"event_id"`
}

func (TurnArgs) Kind() string { return "turn" }

// PromotedArgs tells a waitlisted attendee that a venue seat is now theirs.
// Seats are offered now (OfferArgs); jobs queued before that still run.
type PromotedArgs struct {
	RegistrationID int64 `json:"registration_id"`
}

func (PromotedArgs) Kind() string { return "waitlist_promoted" }

// PushArgs pushes prepared messages to a LINE user. RetryKey (a UUID) makes
// a repeated push a no-op at LINE.
type PushArgs struct {
	UserID   string          `json:"user_id"`
	Messages json.RawMessage `json:"messages"`
	RetryKey string          `json:"retry_key"`
}

func (PushArgs) Kind() string { return "line_push" }

// ReplyArgs sends a turn's replies that were not sent right after the
// turn (Outbox): with the reply token while it is fresh, else as a push
// whose retry key derives from the event, so LINE shows a repeated push
// once. Failed says the send right after the turn failed; otherwise the
// process died after the commit, perhaps after LINE took the replies.
type ReplyArgs struct {
	EventID    string          `json:"event_id" river:"unique"`
	UserID     string          `json:"user_id"`
	ReplyToken string          `json:"reply_token"`
	OccurredAt time.Time       `json:"occurred_at"`
	Messages   json.RawMessage `json:"messages"`
	Failed     bool            `json:"failed,omitempty"`
}

func (ReplyArgs) Kind() string { return "line_reply" }
