package store

import (
	"context"
	"time"
)

// Privacy keeps what Japan's APPI asks of the programme: consent before
// personal data is collected, deletion on request, and no longer retention
// than configured.
type Privacy interface {
	// Consent returns when the user agreed to the privacy notice, or
	// ok=false if they have not (or withdrew it by deleting their data).
	Consent(ctx context.Context, userID string) (at time.Time, ok bool, err error)
	// RecordConsent records the user's agreement; agreeing again keeps the
	// first time.
	RecordConsent(ctx context.Context, userID string, at time.Time) error
	// DeleteUserData erases the user's personal data everywhere, in one
	// transaction: the owner record, names and companies on registrations,
	// problem texts and reasons on introduction requests, the texts of
	// inbox events, the consent and the session, their hand-offs with their
	// messages, the announcement topics and recipient lists, the follow-ups
	// and attendance marks. Records that staff count
	// (a registration, a booking, a request and its status) stay, without
	// personal data. Cancelling what is still active is the caller's job,
	// through the usual methods, so seats and slots are freed as usual.
	DeleteUserData(ctx context.Context, userID string) error
	// PurgeBefore erases problem texts and reasons of introduction requests
	// created before the cutoff, the texts of inbox events received before
	// it, and drops handled inbox events older than it, delivered hand-off
	// messages and ended hand-offs, the recipient lists of announcements and
	// the follow-ups from before it. It returns how many records it changed.
	PurgeBefore(ctx context.Context, cutoff time.Time) (int, error)
}

// PurgeArgs runs PurgeBefore with the configured retention (a periodic job).
type PurgeArgs struct{}

func (PurgeArgs) Kind() string { return "retention_purge" }
