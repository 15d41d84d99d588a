package sqlstore

import (
	"context"
	"fmt"

	"github.com/amamibot/amamibot/store"
)

// RecordSignal records what an owner's choice teaches the matcher.
func (v view) RecordSignal(ctx context.Context, s store.Signal) error {
	if _, err := v.exec(ctx, insertSignal, s.UserID, s.Kind, s.Problem, s.Category, s.TalentID, v.t(s.At)); err != nil {
		return fmt.Errorf("record signal: %w", err)
	}
	return nil
}

// AllSignals lists every signal, oldest first.
func (v view) AllSignals(ctx context.Context) ([]store.Signal, error) {
	ss, err := list(ctx, v, func(s *store.Signal) []any {
		return []any{&s.UserID, &s.Kind, &s.Problem, &s.Category, &s.TalentID, timeDest{&s.At}}
	}, selectSignals)
	if err != nil {
		return nil, fmt.Errorf("list signals: %w", err)
	}
	return ss, nil
}

// DeclinedTalents lists the professionals declined for the user's problem.
func (v view) DeclinedTalents(ctx context.Context, userID, problem string) ([]string, error) {
	ids, err := list(ctx, v, func(id *string) []any { return []any{id} }, selectDeclinedTalents, userID, problem)
	if err != nil {
		return nil, fmt.Errorf("declined talents: %w", err)
	}
	return ids, nil
}

// LastDeclined returns the user's request declined last.
func (v view) LastDeclined(ctx context.Context, userID string) (int64, error) {
	var id int64
	if err := v.row(ctx, selectLastDeclined, []any{userID}, &id); err != nil {
		return 0, fmt.Errorf("last declined request: %w", err)
	}
	return id, nil
}
