package sqlstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/riverqueue/river"

	"github.com/amamibot/amamibot/match"
	"github.com/amamibot/amamibot/store"
)

// UpsertTalents imports talents in one transaction, through one prepared
// statement, and counts the import (TalentsVersion) in it. A bad row fails
// the whole import. An empty import changes nothing, not even the version.
func (v view) UpsertTalents(ctx context.Context, talents []match.Talent) error {
	if len(talents) == 0 {
		return nil
	}
	if err := checkTalentIDs(talents); err != nil {
		return fmt.Errorf("upsert talents: %w", err)
	}
	err := v.inTx(ctx, func(tx view) error {
		if _, err := tx.exec(ctx, bumpTalentsVersion); err != nil {
			return err
		}
		stmt, err := tx.tx.PrepareContext(ctx, upsertTalent)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, t := range talents {
			_, err := stmt.ExecContext(ctx, t.ID, t.DisplayName, t.Headline, tx.s.d.List(t.Skills), tx.s.d.List(t.Categories),
				t.YearsExperience, t.WorkStyle, t.Region, t.HoursPerMonth, t.Bio)
			if err != nil {
				return fmt.Errorf("talent %q: %w", t.ID, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("upsert talents: %w", err)
	}
	return nil
}

// checkTalentIDs refuses an import that names a talent twice: which of the
// two would win is not clear.
func checkTalentIDs(talents []match.Talent) error {
	seen := make(map[string]bool, len(talents))
	for _, t := range talents {
		if seen[t.ID] {
			return fmt.Errorf("talent %q appears twice", t.ID)
		}
		seen[t.ID] = true
	}
	return nil
}

// Talents lists the whole pool, by ID.
func (v view) Talents(ctx context.Context) ([]match.Talent, error) {
	talents, err := list(ctx, v, v.talentDest, selectTalents)
	if err != nil {
		return nil, fmt.Errorf("list talents: %w", err)
	}
	return talents, nil
}

// Talent returns one professional of the pool, or ErrNotFound.
func (v view) Talent(ctx context.Context, id string) (match.Talent, error) {
	t, err := one(ctx, v, v.talentDest, selectTalent, id)
	if err != nil {
		return match.Talent{}, fmt.Errorf("talent %q: %w", id, err)
	}
	return t, nil
}

// TalentsVersion is the number of imports so far.
func (v view) TalentsVersion(ctx context.Context) (int64, error) {
	var n int64
	if err := v.row(ctx, selectTalentsVersion, nil, &n); err != nil {
		return 0, fmt.Errorf("read the talents version: %w", err)
	}
	return n, nil
}

// LexiconAdditions returns the lexicon rows staff accepted.
func (v view) LexiconAdditions(ctx context.Context) (string, error) {
	var rows string
	if err := v.row(ctx, selectLexiconAdditions, nil, &rows); err != nil {
		return "", fmt.Errorf("read the lexicon additions: %w", err)
	}
	return rows, nil
}

// SetLexiconAdditions replaces the accepted rows and counts an import.
func (v view) SetLexiconAdditions(ctx context.Context, rows string) error {
	if _, err := v.exec(ctx, setLexiconAdditions, rows); err != nil {
		return fmt.Errorf("save the lexicon additions: %w", err)
	}
	return nil
}

// Owner returns the owner's details, or ErrNotFound.
func (v view) Owner(ctx context.Context, userID string) (store.Owner, error) {
	var o store.Owner
	if err := v.row(ctx, selectOwner, []any{userID}, &o.UserID, &o.Company, &o.Contact, timeDest{&o.UpdatedAt}, &o.Name); err != nil {
		return store.Owner{}, fmt.Errorf("owner: %w", err)
	}
	return o, nil
}

// SaveOwner creates or updates the owner's details.
func (v view) SaveOwner(ctx context.Context, o store.Owner) error {
	if _, err := v.exec(ctx, upsertOwner, o.UserID, o.Company, o.Contact, v.t(o.UpdatedAt), o.Name); err != nil {
		return fmt.Errorf("save owner: %w", err)
	}
	return nil
}

// RequestIntroduction records a pending request and, in the same
// transaction, its IntroAlertArgs job. The unique index on pending requests
// decides between concurrent requests of the same owner for the same
// professional: the first inserts, the others find its request and return
// it with ErrAlreadyRequested. An unknown professional gives ErrNotFound.
func (v view) RequestIntroduction(ctx context.Context, req store.IntroRequest) (store.Introduction, error) {
	var in store.Introduction
	err := v.inTx(ctx, func(tx view) error {
		var exists bool
		if err := tx.row(ctx, talentExists, []any{req.TalentID}, &exists); err != nil {
			return err
		}
		if !exists {
			return store.ErrNotFound
		}
		var err error
		if in, err = tx.requestIntroduction(ctx, req); err != nil {
			return err
		}
		return tx.insertJobs(ctx, river.InsertManyParams{Args: store.IntroAlertArgs{IntroductionID: in.ID}})
	})
	switch {
	case errors.Is(err, store.ErrAlreadyRequested):
		return in, fmt.Errorf("request introduction to talent %q: %w", req.TalentID, err)
	case err != nil:
		return store.Introduction{}, fmt.Errorf("request introduction to talent %q: %w", req.TalentID, err)
	}
	return in, nil
}

// requestIntroduction inserts the request, or returns the pending one with
// ErrAlreadyRequested. Between the conflict and the read, the pending
// request may be decided (and the owner free to ask again): then it tries
// again.
func (v view) requestIntroduction(ctx context.Context, req store.IntroRequest) (store.Introduction, error) {
	const attempts = 3
	for range attempts {
		in, err := one(ctx, v, v.introductionDest, insertIntroduction, req.UserID, req.TalentID, req.Problem, req.Category,
			v.s.d.List(req.Reasons), v.t(req.Now))
		if !errors.Is(err, store.ErrNotFound) {
			return in, err
		}
		in, err = one(ctx, v, v.introductionDest, selectPendingIntroduction, req.UserID, req.TalentID)
		if err == nil {
			return in, store.ErrAlreadyRequested
		}
		if !errors.Is(err, store.ErrNotFound) {
			return in, err
		}
	}
	return store.Introduction{}, fmt.Errorf("the pending request changed %d times meanwhile", attempts)
}

// AllIntroductions lists every request, oldest first.
func (v view) AllIntroductions(ctx context.Context) ([]store.Introduction, error) {
	ins, err := list(ctx, v, v.introductionDetailDest, selectAllIntroductions)
	if err != nil {
		return nil, fmt.Errorf("list introductions: %w", err)
	}
	return ins, nil
}

// talentDest is where a row of talentColumns goes.
func (v view) talentDest(t *match.Talent) []any {
	return []any{&t.ID, &t.DisplayName, &t.Headline, v.s.d.ScanList(&t.Skills), v.s.d.ScanList(&t.Categories),
		&t.YearsExperience, &t.WorkStyle, &t.Region, &t.HoursPerMonth, &t.Bio}
}

// introductionDest is where a row of introductionColumns goes.
func (v view) introductionDest(in *store.Introduction) []any {
	return []any{&in.ID, &in.UserID, &in.TalentID, &in.Problem, &in.Category, v.s.d.ScanList(&in.Reasons), &in.Status,
		timeDest{&in.CreatedAt}}
}

// introductionDetailDest is where a row of introductionDetail goes.
func (v view) introductionDetailDest(in *store.Introduction) []any {
	o := &in.Owner
	return append(v.introductionDest(in), &in.DecidedBy, timeDest{&in.DecidedAt}, &in.AlertChannel, &in.AlertTS,
		&o.UserID, &o.Company, &o.Contact, timeDest{&o.UpdatedAt}, &o.Name)
}
