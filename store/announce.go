package store

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"
)

// Topics of announcements a user can choose. A business field of the
// match package is a topic too: FieldTopic("tourism") is "field:tourism".
const (
	TopicSeminar = "seminar" // セミナー
	TopicJobs    = "jobs"    // 求人・副業案件
	TopicTours   = "tours"   // ツアー・現地交流
	fieldPrefix  = "field:"
)

// FieldTopic is the topic of a business field (a match category code).
func FieldTopic(code string) string { return fieldPrefix + code }

// FieldOf returns the business field of a field topic.
func FieldOf(topic string) (code string, ok bool) {
	if len(topic) > len(fieldPrefix) && topic[:len(fieldPrefix)] == fieldPrefix {
		return topic[len(fieldPrefix):], true
	}
	return "", false
}

// Refusals of ApproveAnnouncement.
var (
	ErrSameStaff = errors.New("the author cannot approve their own announcement")
	ErrApproved  = errors.New("announcement already approved")
)

// ErrNoAudience: nobody is subscribed to the announcement's topic, so
// nothing was created and nothing will be sent.
var ErrNoAudience = errors.New("no subscribers")

// Subscription is what a user wants to hear about.
type Subscription struct {
	Topics  []string  // sorted; empty: nothing (or 配信停止)
	AskedAt time.Time // when the user was first asked; zero: never
	Blocked bool      // the user blocked the account (unfollow) and has not come back
}

// Announcement is a message to every user subscribed to Topic.
type Announcement struct {
	ID          int64
	Topic       string
	Text        string
	ButtonLabel string // optional button under the text …
	ButtonData  string // … with a URL (https://…) or a postback (a seminar's sign-up)
	CreatedBy   string // staff member, or "cli"
	// SlackChannel and SlackTS are the staff's thread about it, where each
	// batch sent is told (an AnnounceProgressArgs job); empty: none.
	SlackChannel, SlackTS string
	// ApprovedBy let it go out; empty: it waits for a second staff member.
	ApprovedBy string
	CreatedAt  time.Time
	SendAt     time.Time // the first batch's time
	Recipients int       // fixed at creation
	Batches    int
	// Sent counts the recipients of the batches sent so far, and SentBatches
	// those batches; filled by reads.
	Sent, SentBatches int
}

// Batch is one multicast of an announcement: up to MaxBatch users, fixed
// when the announcement is created, sent once.
type Batch struct {
	AnnouncementID int64
	Batch          int
	UserIDs        []string  // the members still reachable: not blocked, not unsubscribed since
	SentAt         time.Time // zero: not sent
}

// MaxBatch is LINE's limit of user IDs in one multicast.
const MaxBatch = 500

// NewAnnouncement asks for an announcement.
type NewAnnouncement struct {
	Announcement
	BatchSize int           // ≤ MaxBatch; 0: MaxBatch
	Pace      time.Duration // between two batches of any announcement, across replicas
	// SecondStaff: fix the audience now, send only once another staff
	// member than CreatedBy approves (ApproveAnnouncement).
	SecondStaff bool
}

// Announcements keeps what users want to hear about and the announcements
// sent to them. Subscriptions and recipient lists are personal data:
// DeleteUserData erases them; PurgeBefore drops the recipient lists of
// announcements created before the cutoff.
type Announcements interface {
	// Subscription returns what the user chose; zero when nothing.
	Subscription(ctx context.Context, userID string) (Subscription, error)
	// SetTopics replaces the user's topics (none: 配信停止, at once).
	SetTopics(ctx context.Context, userID string, topics []string, now time.Time) error
	// MarkAsked records that the user was asked what to hear about; first
	// is true only the first time.
	MarkAsked(ctx context.Context, userID string, now time.Time) (first bool, err error)
	// SetBlocked records that the user blocked the account (or came back).
	SetBlocked(ctx context.Context, userID string, blocked bool) error
	// Audience counts the users an announcement on topic would reach now.
	Audience(ctx context.Context, topic string) (int, error)
	// CreateAnnouncement fixes the audience in batches and schedules one
	// AnnounceBatchArgs job per batch, all in one transaction. Batches are
	// scheduled Pace apart from SendAt, after any batch still waiting, so
	// that every replica keeps one pace. No audience: ErrNoAudience.
	CreateAnnouncement(ctx context.Context, a NewAnnouncement) (Announcement, error)
	// ApproveAnnouncement lets an announcement made with SecondStaff go
	// out, scheduled as CreateAnnouncement schedules (from now at the
	// earliest): ErrSameStaff from its author, ErrApproved when it was
	// approved before (by anyone: two clicks at once send it once).
	ApproveAnnouncement(ctx context.Context, id int64, by string, now time.Time, pace time.Duration) (Announcement, error)
	// Announcement returns one announcement with its progress.
	Announcement(ctx context.Context, id int64) (Announcement, error)
	// AnnouncementBatch returns a batch and its reachable members.
	AnnouncementBatch(ctx context.Context, id int64, batch int) (Batch, error)
	// CompleteBatch marks the job's batch sent and completes the job in the
	// same transaction (it must be called from the job's worker), so that a
	// batch is recorded sent exactly when its job is done and a rerun of the
	// job after a crash finds it sent. An announcement with a Slack thread
	// gets an AnnounceProgressArgs job in the same transaction.
	CompleteBatch(ctx context.Context, job *river.Job[AnnounceBatchArgs], now time.Time) error
}

// AnnounceBatchArgs sends one batch of an announcement.
type AnnounceBatchArgs struct {
	AnnouncementID int64 `json:"announcement_id"`
	Batch          int   `json:"batch"`
}

func (AnnounceBatchArgs) Kind() string { return "announce_batch" }

// AnnounceProgressArgs tells staff, in the announcement's Slack thread,
// that one more batch went out (and, after the last, the final counts).
type AnnounceProgressArgs struct {
	AnnouncementID int64 `json:"announcement_id"`
	Batch          int   `json:"batch"`
}

func (AnnounceProgressArgs) Kind() string { return "announce_progress" }
