package sqlstore

import (
	"context"
	"fmt"

	"github.com/amamibot/amamibot/store"
)

// UpsertFAQs creates or updates FAQ rows in one transaction.
func (v view) UpsertFAQs(ctx context.Context, faqs []store.FAQ) error {
	err := v.inTx(ctx, func(tx view) error {
		for _, f := range faqs {
			if _, err := tx.exec(ctx, upsertFAQ, f.ID, tx.s.d.List(f.Questions), f.Answer); err != nil {
				return fmt.Errorf("faq %q: %w", f.ID, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("upsert faqs: %w", err)
	}
	return nil
}

func (v view) FAQs(ctx context.Context) ([]store.FAQ, error) {
	faqs, err := list(ctx, v, func(f *store.FAQ) []any {
		return []any{&f.ID, v.s.d.ScanList(&f.Questions), &f.Answer}
	}, selectFAQs)
	if err != nil {
		return nil, fmt.Errorf("list faqs: %w", err)
	}
	return faqs, nil
}

func (v view) RecordQuestion(ctx context.Context, q store.Question) error {
	if _, err := v.exec(ctx, insertQuestion, q.UserID, q.Text, q.Kind, v.t(q.AskedAt)); err != nil {
		return fmt.Errorf("record question: %w", err)
	}
	return nil
}

func (v view) AllQuestions(ctx context.Context) ([]store.Question, error) {
	qs, err := list(ctx, v, func(q *store.Question) []any {
		return []any{&q.UserID, &q.Text, &q.Kind, timeDest{&q.AskedAt}}
	}, selectQuestions)
	if err != nil {
		return nil, fmt.Errorf("list questions: %w", err)
	}
	return qs, nil
}
