package store

import "context"

// Signals is what the programme's own use teaches the matcher: which
// professionals staff declined for a problem, so that they are not offered
// for it again.
type Signals interface {
	// DeclinedTalents lists the professionals staff declined for the
	// user's problem (the same text), oldest decision first.
	DeclinedTalents(ctx context.Context, userID, problem string) ([]string, error)
}
