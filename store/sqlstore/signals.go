package sqlstore

import (
	"context"
	"fmt"
)

// DeclinedTalents lists the professionals declined for the user's problem.
func (v view) DeclinedTalents(ctx context.Context, userID, problem string) ([]string, error) {
	ids, err := list(ctx, v, func(id *string) []any { return []any{id} }, selectDeclinedTalents, userID, problem)
	if err != nil {
		return nil, fmt.Errorf("declined talents: %w", err)
	}
	return ids, nil
}
