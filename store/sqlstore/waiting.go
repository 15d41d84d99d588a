package sqlstore

import (
	"context"
	"fmt"
	"time"
)

// The unhandled events are few, and indexed apart (events_unhandled).
const selectWaitingUsers = `
SELECT DISTINCT user_id FROM events
WHERE handled_at IS NULL AND received_at < $1
LIMIT $2`

// WaitingUsers returns users with an event received before before and not
// handled yet.
func (v view) WaitingUsers(ctx context.Context, before time.Time, limit int) ([]string, error) {
	users, err := list(ctx, v, func(u *string) []any { return []any{u} }, selectWaitingUsers, v.t(before), limit)
	if err != nil {
		return nil, fmt.Errorf("read the users waiting for a turn: %w", err)
	}
	return users, nil
}
