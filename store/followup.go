package store

import (
	"context"
	"errors"
	"time"
)

// Follow-ups keep in touch after a seminar and a consultation.
const (
	FollowSeminar      = "seminar"      // the day after a seminar: thanks and a rating, or 次回のご案内 to a no-show
	FollowConsultation = "consultation" // a week after a consultation: has the work with the expert started?
	FollowEngagement   = "engagement"   // three months after the work started: is it still going?
)

// Outcomes of a consultation, as the owner answers a week later.
const (
	OutcomeStarted     = "started"     // 始まった
	OutcomeConsidering = "considering" // 検討中
	OutcomeDropped     = "dropped"     // 見送った
	OutcomeContinuing  = "continuing"  // 続いている, three months after 始まった
	OutcomeEnded       = "ended"       // 終わった
)

// When follow-ups are due after their cause ended, and how long a late one
// is still worth sending (a server down for a while does not send
// months-old follow-ups when it comes back).
const (
	SeminarFollowupAfter      = 24 * time.Hour
	ConsultationFollowupAfter = 7 * 24 * time.Hour
	EngagementFollowupAfter   = 90 * 24 * time.Hour // after the answer 始まった
	FollowupGrace             = 3 * 24 * time.Hour
)

// ErrAnswered: the follow-up was answered before; the first answer stays.
var ErrAnswered = errors.New("follow-up already answered")

// Followup is one follow-up message to a user about what they attended.
type Followup struct {
	ID             int64
	Kind           string // FollowSeminar, FollowConsultation or FollowEngagement
	Ref            int64  // the registration, the booking, or the consultation's follow-up
	UserID         string
	IntroductionID int64  // the consultation's introduction; 0: none
	Title          string // the seminar's title, or the consultation's host
	Attended       bool   // a seminar attendee whom staff did not mark absent
	SentAt         time.Time
	Answer         string // a rating "1"–"5", or an Outcome; empty: none yet
	AnsweredAt     time.Time
}

// Followups keeps follow-ups and attendance. Follow-ups are personal data:
// DeleteUserData erases them (so an answer after the deletion is not
// recorded) and PurgeBefore drops those sent before the cutoff.
type Followups interface {
	// DueFollowups creates the follow-ups due at now, each once: for the
	// confirmed registrations of seminars that ended SeminarFollowupAfter
	// before now, and for the consultations held ConsultationFollowupAfter
	// before now, and for the consultation follow-ups answered
	// OutcomeStarted EngagementFollowupAfter before now (each within
	// FollowupGrace of that), with a FollowupArgs job
	// for each, in one transaction. A cancelled registration or booking
	// gets none. It returns the follow-ups it created.
	DueFollowups(ctx context.Context, now time.Time) ([]Followup, error)
	// Followup returns one follow-up, or ErrNotFound.
	Followup(ctx context.Context, id int64) (Followup, error)
	// OpenFollowup returns the user's latest unanswered follow-up sent
	// after since, or ErrNotFound.
	OpenFollowup(ctx context.Context, userID string, since time.Time) (Followup, error)
	// AnswerFollowup records the user's answer: ErrNotFound when the
	// follow-up is not theirs or their data was deleted, ErrAnswered when
	// it was answered before. The answer to a consultation's or an
	// engagement's follow-up inserts an OutcomeNoticeArgs job in the same
	// transaction.
	AnswerFollowup(ctx context.Context, userID string, id int64, answer string, now time.Time) (Followup, error)
	// MarkAttendance records whether a registered attendee came.
	MarkAttendance(ctx context.Context, registrationID int64, attended bool, by string, now time.Time) error
	// Outcomes returns the latest answer to the consultation and
	// engagement follow-ups by introduction, for staff.
	Outcomes(ctx context.Context) (map[int64]string, error)
}

// FollowupArgs pushes one follow-up.
type FollowupArgs struct {
	FollowupID int64 `json:"followup_id"`
}

func (FollowupArgs) Kind() string { return "followup" }

// FollowupScanArgs creates the follow-ups due (a periodic job).
type FollowupScanArgs struct{}

func (FollowupScanArgs) Kind() string { return "followup_scan" }

// OutcomeNoticeArgs tells staff in Slack what an owner answered a week
// after the consultation or three months after the work started; AnswerFollowup inserts it with the answer.
type OutcomeNoticeArgs struct {
	FollowupID int64 `json:"followup_id"`
}

func (OutcomeNoticeArgs) Kind() string { return "outcome_notice" }
