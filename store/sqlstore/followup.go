package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/amamibot/amamibot/store"
)

const (
	followupColumns = `id, kind, ref, user_id, COALESCE(introduction_id, 0), title, attended, sent_at, answer, answered_at`
	// dueSeminarFollowups: confirmed registrations of seminars that ended
	// in the window. Once staff marked anyone at a seminar, an attendee they
	// did not mark is a no-show.
	dueSeminarFollowups = `
INSERT INTO followups (kind, ref, user_id, introduction_id, title, attended, sent_at)
SELECT 'seminar', r.id, r.user_id, NULL, s.title,
       CASE WHEN a.attended IS NOT NULL THEN a.attended
            WHEN EXISTS (SELECT 1 FROM attendance a2 JOIN registrations r2 ON r2.id = a2.registration_id WHERE r2.seminar_id = r.seminar_id) THEN FALSE
            ELSE TRUE END,
       $1
FROM registrations r JOIN seminars s ON s.id = r.seminar_id
LEFT JOIN attendance a ON a.registration_id = r.id
WHERE r.status = 'confirmed' AND s.ends_at <= $2 AND s.ends_at > $3
ON CONFLICT (kind, ref) DO NOTHING
RETURNING ` + followupColumns
	dueConsultFollowups = `
INSERT INTO followups (kind, ref, user_id, introduction_id, title, attended, sent_at)
SELECT 'consultation', b.id, b.user_id, b.introduction_id, sl.host, TRUE, $1
FROM bookings b JOIN slots sl ON sl.id = b.slot_id
WHERE b.status = 'booked' AND sl.ends_at <= $2 AND sl.ends_at > $3
ON CONFLICT (kind, ref) DO NOTHING
RETURNING ` + followupColumns
	// dueEngagementFollowups: consultation follow-ups answered 始まった in
	// the window; a user's deletion erased those, so none is created.
	dueEngagementFollowups = `
INSERT INTO followups (kind, ref, user_id, introduction_id, title, attended, sent_at)
SELECT 'engagement', f.id, f.user_id, f.introduction_id, f.title, TRUE, $1
FROM followups f
WHERE f.kind = 'consultation' AND f.answer = 'started' AND f.answered_at <= $2 AND f.answered_at > $3
ON CONFLICT (kind, ref) DO NOTHING
RETURNING ` + followupColumns
	selectFollowup     = `SELECT ` + followupColumns + ` FROM followups WHERE id = $1`
	selectOpenFollowup = `SELECT ` + followupColumns + ` FROM followups
WHERE user_id = $1 AND answer = '' AND sent_at > $2 ORDER BY sent_at DESC, id DESC LIMIT 1`
	answerFollowup = `UPDATE followups SET answer = $3, answered_at = $4 WHERE id = $1 AND user_id = $2 AND answer = ''`
	markAttendance = `
INSERT INTO attendance (registration_id, attended, marked_by, marked_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (registration_id) DO UPDATE SET attended = excluded.attended, marked_by = excluded.marked_by, marked_at = excluded.marked_at`
	selectOutcomes = `SELECT introduction_id, answer FROM followups
WHERE kind IN ('consultation', 'engagement') AND introduction_id IS NOT NULL AND answer <> '' ORDER BY introduction_id, id`

	deleteUserFollowups  = `DELETE FROM followups WHERE user_id = $1`
	deleteUserAttendance = `DELETE FROM attendance WHERE registration_id IN (SELECT id FROM registrations WHERE user_id = $1)`
	purgeFollowups       = `DELETE FROM followups WHERE sent_at < $1`
)

func (v view) followupDest(f *store.Followup) []any {
	return []any{&f.ID, &f.Kind, &f.Ref, &f.UserID, &f.IntroductionID, &f.Title, &f.Attended, timeDest{&f.SentAt}, &f.Answer, timeDest{&f.AnsweredAt}}
}

// DueFollowups creates the follow-ups due at now, with their jobs.
func (v view) DueFollowups(ctx context.Context, now time.Time) ([]store.Followup, error) {
	var created []store.Followup
	err := v.inTx(ctx, func(tx view) error {
		created = nil
		for _, q := range []struct {
			query string
			after time.Duration
		}{
			{dueSeminarFollowups, store.SeminarFollowupAfter},
			{dueConsultFollowups, store.ConsultationFollowupAfter},
			{dueEngagementFollowups, store.EngagementFollowupAfter},
		} {
			due := now.Add(-q.after)
			fs, err := list(ctx, tx, tx.followupDest, q.query, tx.t(now), tx.t(due), tx.t(due.Add(-store.FollowupGrace)))
			if err != nil {
				return err
			}
			created = append(created, fs...)
		}
		jobs := make([]river.InsertManyParams, len(created))
		for i, f := range created {
			jobs[i] = river.InsertManyParams{Args: store.FollowupArgs{FollowupID: f.ID}}
		}
		return tx.insertJobs(ctx, jobs...)
	})
	if err != nil {
		return nil, fmt.Errorf("create due follow-ups: %w", err)
	}
	return created, nil
}

func (v view) Followup(ctx context.Context, id int64) (store.Followup, error) {
	f, err := one(ctx, v, v.followupDest, selectFollowup, id)
	if err != nil {
		return f, fmt.Errorf("follow-up %d: %w", id, err)
	}
	return f, nil
}

func (v view) OpenFollowup(ctx context.Context, userID string, since time.Time) (store.Followup, error) {
	f, err := one(ctx, v, v.followupDest, selectOpenFollowup, userID, v.t(since))
	if err != nil {
		return f, fmt.Errorf("open follow-up: %w", err)
	}
	return f, nil
}

// AnswerFollowup records the first answer to the user's follow-up.
func (v view) AnswerFollowup(ctx context.Context, userID string, id int64, answer string, now time.Time) (store.Followup, error) {
	var f store.Followup
	err := v.inTx(ctx, func(tx view) error {
		n, err := tx.exec(ctx, answerFollowup, id, userID, answer, tx.t(now))
		if err != nil {
			return err
		}
		if f, err = one(ctx, tx, tx.followupDest, selectFollowup, id); err != nil || f.UserID != userID {
			return store.ErrNotFound
		}
		if n == 0 {
			return store.ErrAnswered
		}
		if f.Kind == store.FollowSeminar {
			return nil
		}
		return tx.insertJobs(ctx, river.InsertManyParams{Args: store.OutcomeNoticeArgs{FollowupID: id}})
	})
	if err != nil {
		return f, fmt.Errorf("answer follow-up %d: %w", id, err)
	}
	return f, nil
}

func (v view) MarkAttendance(ctx context.Context, registrationID int64, attended bool, by string, now time.Time) error {
	if _, err := v.exec(ctx, markAttendance, registrationID, attended, by, v.t(now)); err != nil {
		return fmt.Errorf("mark attendance of registration %d: %w", registrationID, err)
	}
	return nil
}

func (v view) Outcomes(ctx context.Context) (map[int64]string, error) {
	out := map[int64]string{}
	type row struct {
		id     int64
		answer string
	}
	rows, err := list(ctx, v, func(r *row) []any { return []any{&r.id, &r.answer} }, selectOutcomes)
	if err != nil {
		return nil, fmt.Errorf("list outcomes: %w", err)
	}
	for _, r := range rows {
		out[r.id] = r.answer
	}
	return out, nil
}
