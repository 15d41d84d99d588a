package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/amamibot/amamibot/match"
	"github.com/amamibot/amamibot/store"
)

// UpsertTalents imports talents in one transaction, through one prepared
// statement, and counts the import (TalentsVersion) in it. A bad row fails
// the whole import. An empty import changes nothing, not even the version.
func (s *Store) UpsertTalents(ctx context.Context, talents []match.Talent) error {
	if len(talents) == 0 {
		return nil
	}
	if err := checkTalentIDs(talents); err != nil {
		return fmt.Errorf("upsert talents: %w", err)
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, sqlBumpTalentsVersion); err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, sqlUpsertTalent)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, t := range talents {
			_, err := stmt.ExecContext(ctx, t.ID, t.DisplayName, t.Headline, jsonList(t.Skills), jsonList(t.Categories),
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

func (s *Store) Talents(ctx context.Context) ([]match.Talent, error) {
	rows, err := s.db.QueryContext(ctx, sqlTalents)
	if err != nil {
		return nil, fmt.Errorf("list talents: %w", err)
	}
	defer rows.Close()
	var talents []match.Talent
	for rows.Next() {
		var t match.Talent
		err := rows.Scan(&t.ID, &t.DisplayName, &t.Headline, listDest{&t.Skills}, listDest{&t.Categories},
			&t.YearsExperience, &t.WorkStyle, &t.Region, &t.HoursPerMonth, &t.Bio)
		if err != nil {
			return nil, fmt.Errorf("list talents: %w", err)
		}
		talents = append(talents, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list talents: %w", err)
	}
	return talents, nil
}

func (s *Store) TalentsVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := s.db.QueryRowContext(ctx, sqlTalentsVersion).Scan(&v); err != nil {
		return 0, fmt.Errorf("read the talents version: %w", err)
	}
	return v, nil
}

func (s *Store) Owner(ctx context.Context, userID string) (store.Owner, error) {
	var o store.Owner
	err := s.db.QueryRowContext(ctx, sqlOwner, userID).Scan(&o.UserID, &o.Company, &o.Contact, timeDest{&o.UpdatedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return store.Owner{}, fmt.Errorf("owner: %w", store.ErrNotFound)
	}
	if err != nil {
		return store.Owner{}, fmt.Errorf("read owner: %w", err)
	}
	return o, nil
}

func (s *Store) SaveOwner(ctx context.Context, o store.Owner) error {
	if _, err := s.db.ExecContext(ctx, sqlSaveOwner, o.UserID, o.Company, o.Contact, dbTime(o.UpdatedAt)); err != nil {
		return fmt.Errorf("save owner: %w", err)
	}
	return nil
}

// RequestIntroduction records a pending request and, in the same
// transaction, its IntroAlertArgs job. The unique index on pending requests
// decides: when the owner has one for the professional already, the insert
// does nothing and the pending request is returned with
// ErrAlreadyRequested. An unknown professional gives ErrNotFound.
func (s *Store) RequestIntroduction(ctx context.Context, req store.IntroRequest) (store.Introduction, error) {
	var in store.Introduction
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var exists bool
		if err := tx.QueryRowContext(ctx, sqlTalentExists, req.TalentID).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return store.ErrNotFound
		}
		err := tx.QueryRowContext(ctx, sqlInsertIntroduction, req.UserID, req.TalentID, req.Problem, req.Category,
			jsonList(req.Reasons), dbTime(req.Now)).Scan(introductionDest(&in)...)
		if err == nil {
			_, err = s.jobs.InsertTx(ctx, tx, store.IntroAlertArgs{IntroductionID: in.ID}, nil)
			return err
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		// One connection, one transaction at a time: the pending request
		// the insert ran into is still there.
		err = tx.QueryRowContext(ctx, sqlPendingIntroduction, req.UserID, req.TalentID).Scan(introductionDest(&in)...)
		if err != nil {
			return fmt.Errorf("read the pending request: %w", err)
		}
		return store.ErrAlreadyRequested
	})
	switch {
	case errors.Is(err, store.ErrAlreadyRequested):
		return in, fmt.Errorf("request introduction to talent %q: %w", req.TalentID, err)
	case err != nil:
		return store.Introduction{}, fmt.Errorf("request introduction to talent %q: %w", req.TalentID, err)
	}
	return in, nil
}

func (s *Store) AllIntroductions(ctx context.Context) ([]store.Introduction, error) {
	rows, err := s.db.QueryContext(ctx, sqlAllIntroductions)
	if err != nil {
		return nil, fmt.Errorf("list introductions: %w", err)
	}
	defer rows.Close()
	var ins []store.Introduction
	for rows.Next() {
		var in store.Introduction
		if err := rows.Scan(introductionDetailDest(&in)...); err != nil {
			return nil, fmt.Errorf("list introductions: %w", err)
		}
		ins = append(ins, in)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list introductions: %w", err)
	}
	return ins, nil
}

// introductionDest is where a row of introductionColumns goes.
func introductionDest(in *store.Introduction) []any {
	return []any{&in.ID, &in.UserID, &in.TalentID, &in.Problem, &in.Category, listDest{&in.Reasons}, &in.Status,
		timeDest{&in.CreatedAt}}
}

// Lists (skills, categories, reasons) are stored as JSON arrays of strings.

// jsonList is the stored form of a list; nil is stored as an empty list.
func jsonList(list []string) string {
	if list == nil {
		return "[]"
	}
	b, err := json.Marshal(list)
	if err != nil {
		panic(err) // strings always marshal
	}
	return string(b)
}

// listDest scans a stored list.
type listDest struct{ list *[]string }

func (d listDest) Scan(v any) error {
	var b []byte
	switch v := v.(type) {
	case string:
		b = []byte(v)
	case []byte:
		b = v
	default:
		return fmt.Errorf("scan list: unexpected %T", v)
	}
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		return fmt.Errorf("scan list: %w", err)
	}
	*d.list = list
	return nil
}
