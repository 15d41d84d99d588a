package store

import (
	"context"
	"time"
)

// SignalKind says what an owner or staff did that tells whether the
// matcher understood a problem.
type SignalKind string

const (
	// SignalField: the owner picked a field (another than the one the bot
	// restated, or the answer to its question): the problem is in Category.
	SignalField SignalKind = "field"
	// SignalMore: the owner asked for 他の候補 in Category: the
	// professionals shown did not fit.
	SignalMore SignalKind = "more"
	// SignalDeclined: staff declined TalentID for the problem.
	SignalDeclined SignalKind = "declined"
	// SignalBooked: the owner booked a consultation after staff approved
	// TalentID for the problem: the strongest sign the match was right.
	SignalBooked SignalKind = "booked"
)

// Signal is one thing the programme's use teaches the matcher: a problem in
// the owner's words, the field and the professional it was about.
type Signal struct {
	UserID   string
	Kind     SignalKind
	Problem  string
	Category string
	TalentID string // empty for SignalField and SignalMore
	At       time.Time
}

// Signals is what the programme's own use teaches the matcher (amamibot
// lexicon suggest reads them), and which professionals staff declined for a
// problem, so that they are not offered for it again. Signals hold the
// owner's words: DeleteUserData deletes a user's, PurgeBefore the older ones.
type Signals interface {
	// RecordSignal records a signal; inside a turn, with the turn.
	RecordSignal(ctx context.Context, s Signal) error
	// AllSignals lists every signal, oldest first.
	AllSignals(ctx context.Context) ([]Signal, error)
	// DeclinedTalents lists the professionals staff declined for the
	// user's problem (the same text), oldest decision first.
	DeclinedTalents(ctx context.Context, userID, problem string) ([]string, error)
	// LastDeclined returns the ID of the user's request staff declined
	// last, for 「別の候補を見る」 typed rather than tapped, or ErrNotFound.
	LastDeclined(ctx context.Context, userID string) (int64, error)
}
