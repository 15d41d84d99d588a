package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/amamibot/amamibot/store"
)

// reminders are the reminder jobs of registration id, attending m by a:
// one for each configured reminder still ahead at now.
func (v view) reminders(now time.Time, m store.Seminar, a store.Attendance, id int64) []river.InsertManyParams {
	var jobs []river.InsertManyParams
	for _, r := range store.RemindersFor(v.s.reminders, m, a, now) {
		jobs = append(jobs, river.InsertManyParams{
			Args:       store.ReminderArgs{RegistrationID: id, Before: r.Before},
			InsertOpts: store.ReminderOpts(m, r.Before),
		})
	}
	return jobs
}

// Reminder jobs of a registration that have not run yet.
const selectPendingReminders = `SELECT id FROM river_job
WHERE kind = 'seminar_reminder' AND state IN ('available', 'scheduled', 'retryable')
  AND CAST(args ->> 'registration_id' AS BIGINT) = $1`

// cancelReminders cancels the reminders of registration id that have not
// run, in the transaction that ends or moves the registration.
func (v view) cancelReminders(ctx context.Context, id int64) error {
	var ids []int64
	err := v.each(ctx, selectPendingReminders, []any{id}, func(rows *sql.Rows) error {
		var job int64
		if err := rows.Scan(&job); err != nil {
			return err
		}
		ids = append(ids, job)
		return nil
	})
	if err != nil {
		return fmt.Errorf("find the reminders of registration %d: %w", id, err)
	}
	for _, job := range ids {
		if _, err := v.s.jobs.JobCancelTx(ctx, v.tx, job); err != nil {
			return fmt.Errorf("cancel reminder job %d: %w", job, err)
		}
	}
	return nil
}
