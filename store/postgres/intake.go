package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/amamibot/amamibot/match"
	"github.com/amamibot/amamibot/store"
)

// UpsertTalents imports talents in one transaction: it counts the import
// (TalentsVersion), copies the rows into a temporary table and upserts them
// from there in one statement, so a pool of thousands imports in one round
// of COPY. A bad row fails the whole import. An empty import changes
// nothing, not even the version.
func (s *Store) UpsertTalents(ctx context.Context, talents []match.Talent) error {
	if len(talents) == 0 {
		return nil
	}
	if err := checkTalentIDs(talents); err != nil {
		return fmt.Errorf("upsert talents: %w", err)
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, bumpTalentsVersion); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, createTalentsImport); err != nil {
			return err
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"talents_import"}, talentCopyColumns,
			pgx.CopyFromSlice(len(talents), func(i int) ([]any, error) {
				t := &talents[i]
				return []any{t.ID, t.DisplayName, t.Headline, notNull(t.Skills), notNull(t.Categories),
					t.YearsExperience, t.WorkStyle, t.Region, t.HoursPerMonth, t.Bio}, nil
			}))
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, upsertTalentsImport)
		return err
	})
	if err != nil {
		return fmt.Errorf("upsert talents: %w", err)
	}
	return nil
}

// talentCopyColumns are talentColumns, for CopyFrom.
var talentCopyColumns = strings.Split(talentColumns, ", ")

// checkTalentIDs refuses an import that names a talent twice: which of the
// two would win is not clear, and SQLite and Postgres would disagree.
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

// notNull makes a nil list an empty one: the list columns are NOT NULL,
// and pgx sends a nil slice as NULL.
func notNull(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}

// Talents lists the whole pool, by ID.
func (s *Store) Talents(ctx context.Context) ([]match.Talent, error) {
	rows, _ := s.pool.Query(ctx, selectTalents)
	talents, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (match.Talent, error) {
		var t match.Talent
		err := row.Scan(&t.ID, &t.DisplayName, &t.Headline, &t.Skills, &t.Categories,
			&t.YearsExperience, &t.WorkStyle, &t.Region, &t.HoursPerMonth, &t.Bio)
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("list talents: %w", err)
	}
	return talents, nil
}

// TalentsVersion is the number of imports so far.
func (s *Store) TalentsVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := s.pool.QueryRow(ctx, selectTalentsVersion).Scan(&v); err != nil {
		return 0, fmt.Errorf("read the talents version: %w", err)
	}
	return v, nil
}

// Owner returns the owner's details, or ErrNotFound.
func (s *Store) Owner(ctx context.Context, userID string) (store.Owner, error) {
	var o store.Owner
	err := s.pool.QueryRow(ctx, selectOwner, userID).Scan(&o.UserID, &o.Company, &o.Contact, &o.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Owner{}, fmt.Errorf("owner: %w", store.ErrNotFound)
	}
	if err != nil {
		return store.Owner{}, fmt.Errorf("read owner: %w", err)
	}
	return o, nil
}

// SaveOwner creates or updates the owner's details.
func (s *Store) SaveOwner(ctx context.Context, o store.Owner) error {
	if _, err := s.pool.Exec(ctx, upsertOwner, o.UserID, o.Company, o.Contact, o.UpdatedAt.UTC()); err != nil {
		return fmt.Errorf("save owner: %w", err)
	}
	return nil
}

// RequestIntroduction records a pending request and, in the same
// transaction, its IntroAlertArgs job. The unique index on pending requests
// decides between concurrent requests of the same owner for the same
// professional: the first inserts, the others find its request and return
// it with ErrAlreadyRequested. An unknown professional gives ErrNotFound.
func (s *Store) RequestIntroduction(ctx context.Context, req store.IntroRequest) (store.Introduction, error) {
	var in store.Introduction
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, talentExists, req.TalentID).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return store.ErrNotFound
		}
		var err error
		if in, err = requestIntroduction(ctx, tx, req); err != nil {
			return err
		}
		return s.insertJobsTx(ctx, tx, []river.InsertManyParams{{Args: store.IntroAlertArgs{IntroductionID: in.ID}}})
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
func requestIntroduction(ctx context.Context, tx pgx.Tx, req store.IntroRequest) (store.Introduction, error) {
	const attempts = 3
	for range attempts {
		rows, _ := tx.Query(ctx, insertIntroduction, req.UserID, req.TalentID, req.Problem, req.Category,
			notNull(req.Reasons), req.Now.UTC().Truncate(time.Microsecond))
		in, err := pgx.CollectExactlyOneRow(rows, scanIntroduction)
		if !errors.Is(err, pgx.ErrNoRows) {
			return in, err
		}
		rows, _ = tx.Query(ctx, selectPendingIntroduction, req.UserID, req.TalentID)
		in, err = pgx.CollectExactlyOneRow(rows, scanIntroduction)
		if !errors.Is(err, pgx.ErrNoRows) {
			if err == nil {
				err = store.ErrAlreadyRequested
			}
			return in, err
		}
	}
	return store.Introduction{}, fmt.Errorf("the pending request changed %d times meanwhile", attempts)
}

// AllIntroductions lists every request, oldest first.
func (s *Store) AllIntroductions(ctx context.Context) ([]store.Introduction, error) {
	rows, _ := s.pool.Query(ctx, selectAllIntroductions)
	ins, err := pgx.CollectRows(rows, scanIntroductionDetail)
	if err != nil {
		return nil, fmt.Errorf("list introductions: %w", err)
	}
	return ins, nil
}

func scanIntroduction(row pgx.CollectableRow) (store.Introduction, error) {
	var in store.Introduction
	err := row.Scan(&in.ID, &in.UserID, &in.TalentID, &in.Problem, &in.Category, &in.Reasons, &in.Status, &in.CreatedAt)
	return in, err
}
