package store

import (
	"context"
	"errors"
	"time"

	"github.com/amamibot/amamibot/match"
)

// ErrAlreadyRequested: the owner has a pending request for the same professional.
var ErrAlreadyRequested = errors.New("introduction already requested")

// Talents keeps the pool of professionals that match indexes.
type Talents interface {
	// UpsertTalents creates or updates talents by ID, all or none.
	UpsertTalents(ctx context.Context, talents []match.Talent) error
	// Talents lists the whole pool, by ID.
	Talents(ctx context.Context) ([]match.Talent, error)
	// TalentsVersion changes whenever the pool changes (it counts the
	// imports): every replica polls it and rebuilds its index when it moves.
	TalentsVersion(ctx context.Context) (int64, error)
	// LexiconAdditions returns the lexicon rows staff accepted
	// (match.ParseLexicon's additions), "" when none.
	LexiconAdditions(ctx context.Context) (string, error)
	// SetLexiconAdditions replaces them, and moves TalentsVersion with
	// them: every replica rebuilds its index with the new rows.
	SetLexiconAdditions(ctx context.Context, rows string) error
}

// Owner is a business owner who asked for an introduction.
type Owner struct {
	UserID    string // LINE user ID
	Name      string
	Company   string
	Contact   string // phone or e-mail, as the owner wrote it
	UpdatedAt time.Time
}

// IntroStatus is the state of an introduction request.
type IntroStatus string

const (
	Pending  IntroStatus = "pending"
	Approved IntroStatus = "approved"
	Declined IntroStatus = "declined"
)

// Introduction is an owner's request to be introduced to a professional.
type Introduction struct {
	ID        int64
	UserID    string
	TalentID  string
	Problem   string   // the owner's own words
	Category  string   // the category the bot understood
	Reasons   []string // why the professional fits, as shown to the owner
	Status    IntroStatus
	CreatedAt time.Time

	// Filled by Staffing's reads:
	DecidedBy    string // staff member who approved or declined
	DecidedAt    time.Time
	AlertChannel string // where the Slack alert was posted, once it was
	AlertTS      string
	Owner        Owner
}

// IntroRequest asks for an introduction.
type IntroRequest struct {
	UserID   string
	TalentID string
	Problem  string
	Category string
	Reasons  []string
	Now      time.Time
}

// Introductions holds owners and their introduction requests.
type Introductions interface {
	// Owner returns the owner's details, or ErrNotFound.
	Owner(ctx context.Context, userID string) (Owner, error)
	// SaveOwner creates or updates the owner's details.
	SaveOwner(ctx context.Context, o Owner) error
	// RequestIntroduction records a pending request. A pending request of
	// the same owner for the same professional gives ErrAlreadyRequested
	// with that request (a unique key, not a read-then-write).
	RequestIntroduction(ctx context.Context, req IntroRequest) (Introduction, error)
	// AllIntroductions lists every request, oldest first, for export.
	AllIntroductions(ctx context.Context) ([]Introduction, error)
}
