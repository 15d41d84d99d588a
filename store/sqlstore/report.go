package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/amamibot/amamibot/store"
)

// The rows the figures are counted from; they are grouped by month in Go,
// where the display zone is, rather than in each dialect's SQL.
const (
	reportIntroductions = `SELECT created_at, status FROM introductions`
	reportBookings      = `SELECT created_at FROM bookings WHERE status = 'booked'`
	reportRegistrations = `SELECT created_at FROM registrations WHERE status = 'confirmed'`
	reportFollowups     = `SELECT kind, sent_at, attended, answer FROM followups`
)

// Months counts the programme's figures by month.
func (v view) Months(ctx context.Context, loc *time.Location) ([]store.Month, error) {
	months := map[string]*store.Month{}
	month := func(t time.Time) *store.Month {
		key := t.In(loc).Format("2006-01")
		if months[key] == nil {
			months[key] = &store.Month{Month: key}
		}
		return months[key]
	}
	err := v.each(ctx, reportIntroductions, nil, func(rows *sql.Rows) error {
		var at time.Time
		var status string
		err := rows.Scan(timeDest{&at}, &status)
		m := month(at)
		m.Requests++
		if status == string(store.Approved) {
			m.Approved++
		}
		return err
	})
	for _, q := range []struct {
		query string
		count func(*store.Month)
	}{
		{reportBookings, func(m *store.Month) { m.Consultations++ }},
		{reportRegistrations, func(m *store.Month) { m.Registrations++ }},
	} {
		if err != nil {
			break
		}
		err = v.each(ctx, q.query, nil, func(rows *sql.Rows) error {
			var at time.Time
			err := rows.Scan(timeDest{&at})
			q.count(month(at))
			return err
		})
	}
	if err == nil {
		err = v.each(ctx, reportFollowups, nil, func(rows *sql.Rows) error {
			var f store.Followup
			err := rows.Scan(&f.Kind, timeDest{&f.SentAt}, &f.Attended, &f.Answer)
			m := month(f.SentAt)
			m.Asked++
			if f.Answer != "" {
				m.Answered++
			}
			switch {
			case f.Kind == store.FollowConsultation && f.Answer == store.OutcomeStarted:
				m.Started++
			case f.Kind == store.FollowEngagement && f.Answer == store.OutcomeContinuing:
				m.Continuing++
			case f.Kind == store.FollowSeminar && f.Attended:
				m.Attended++
			case f.Kind == store.FollowSeminar:
				m.NoShows++
			}
			return err
		})
	}
	if err != nil {
		return nil, fmt.Errorf("count the programme's figures: %w", err)
	}
	out := make([]store.Month, 0, len(months))
	for _, key := range slices.Sorted(maps.Keys(months)) {
		out = append(out, *months[key])
	}
	return out, nil
}
