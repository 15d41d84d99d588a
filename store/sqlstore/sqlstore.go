// Package sqlstore is the one implementation of store.Store, over
// database/sql, that both backends share: store/postgres (pgx's stdlib
// driver, River's riverdatabasesql) and store/sqlite (modernc, River's
// riversqlite). Both give River a *sql.Tx, so an effect and its jobs commit
// in one transaction the same way on either. A Dialect holds what truly
// differs: how times and lists are stored, row locks, the per-user lock,
// the migrations and River's driver. The SQL is written once, in the
// subset both understand ($1 placeholders, ON CONFLICT, RETURNING).
//
// database/sql rather than pgx's own interface costs the Postgres backend
// River's LISTEN/NOTIFY (jobs are polled, see store.Options) and COPY for
// imports; it buys one copy of every transaction, conditional update and
// scan instead of two.
package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"

	"github.com/amamibot/amamibot/store"
)

// Dialect is what differs between the backends.
type Dialect struct {
	Name   string // for logs: "postgres", "sqlite"
	Driver riverdriver.Driver[*sql.Tx]
	// Migrations holds the store's schema changes, NNN_name.sql, applied in
	// order of NNN, each once and in its own transaction.
	Migrations fs.FS
	// CreateMigrations creates the table of applied versions if needed;
	// RecordMigration records version $1.
	CreateMigrations, RecordMigration string
	// LockMigrations and UnlockMigrations bracket migrating, so replicas
	// starting at once migrate one after the other; empty: no other process
	// can open the database.
	LockMigrations, UnlockMigrations string
	// LockUser takes user $1's lock until the transaction ends; empty:
	// transactions already run one at a time.
	LockUser string
	// RowLocks: the database understands SELECT … FOR UPDATE [SKIP LOCKED].
	// Without, the clauses are left out of the SQL: one writer at a time
	// needs no row locks.
	RowLocks bool
	// Time and List are how a time and a list of strings are passed as
	// arguments; ScanList scans a stored list.
	Time     func(time.Time) any
	List     func([]string) any
	ScanList func(*[]string) sql.Scanner
	// UniqueViolation reports whether err violates the named unique index.
	UniqueViolation func(err error, index string) bool
}

// Defaults of the job client (see store.Options).
const (
	defaultWorkers      = 50
	defaultPollInterval = 50 * time.Millisecond
	fetchCooldown       = 10 * time.Millisecond
	// jobTimeout bounds every job (a turn, a Slack or LINE call); a job still
	// running after rescueAfter was interrupted (its process died) and is
	// retried. River's rescuer looks every 30 s, so an interrupted job runs
	// again within about 45 s of the crash, and an interrupted turn at once
	// when a process starts (see resumeTurns).
	jobTimeout  = 10 * time.Second
	rescueAfter = 15 * time.Second
	// closeTimeout bounds how long Close waits for running jobs.
	closeTimeout = 10 * time.Second
	// groupTimeout bounds a group commit (see group).
	groupTimeout = 10 * time.Second
)

// Store is store.Store on a database/sql database.
type Store struct {
	view    // outside a turn: each effect in its own transaction
	db      *sql.DB
	d       *Dialect
	jobs    *river.Client[*sql.Tx]
	workers *river.Workers
	queries sync.Map // SQL as written → SQL for the dialect
	// reminders are the seminar reminders a registration schedules.
	reminders []store.Reminder
	// offerWindow is how long a seat offered to the waitlist is held.
	offerWindow time.Duration
	// noTurnJobs: store.Options.TurnsInProcess.
	noTurnJobs bool
	group      *group // RecordEvents' and RepliesSent's group commit
	writers    writers
}

var _ store.Store = (*Store)(nil)

// Open migrates db (River's schema, then the store's) and prepares the job
// client. Jobs can be inserted at once; they are worked after StartJobs, and
// only when opts.Workers is set. On error, db is left open.
func Open(ctx context.Context, db *sql.DB, d *Dialect, opts store.Options) (*Store, error) {
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Store{db: db, d: d, workers: opts.Workers, noTurnJobs: opts.TurnsInProcess, reminders: opts.Reminders}
	if s.reminders == nil {
		s.reminders = store.DefaultReminders
	}
	s.offerWindow = cmp.Or(opts.OfferWindow, store.DefaultOfferWindow)
	s.view = view{s: s, q: db}
	s.group = newGroup(s)
	if err := s.migrate(ctx, logger); err != nil {
		return nil, err
	}
	poll := cmp.Or(opts.FetchPollInterval, defaultPollInterval)
	config := &river.Config{
		Logger: logger,
		// Commands that only import records insert jobs without workers.
		SkipUnknownJobCheck: true,
		// A job whose channel is not configured here (Slack alerts on a
		// server without Slack) waits for a server that has it.
		FetchOnlyKnownKinds:  true,
		FetchPollInterval:    poll,
		FetchCooldown:        min(poll, cmp.Or(opts.FetchCooldown, fetchCooldown)),
		JobTimeout:           jobTimeout,
		RescueStuckJobsAfter: rescueAfter,
		Workers:              opts.Workers,
		PeriodicJobs:         opts.PeriodicJobs,
	}
	if opts.Workers != nil {
		config.Queues = map[string]river.QueueConfig{
			river.QueueDefault: {MaxWorkers: cmp.Or(opts.MaxWorkers, defaultWorkers)},
		}
	}
	jobs, err := river.NewClient(d.Driver, config)
	if err != nil {
		return nil, fmt.Errorf("create the job client: %w", err)
	}
	s.jobs = jobs
	return s, nil
}

// Turn runs fn in one transaction holding the user's lock.
func (s *Store) Turn(ctx context.Context, userID string, fn func(store.Tx) error) error {
	if s.d.LockUser == "" {
		// One transaction at a time: the webhooks' group commit goes
		// before the turns waiting, so acknowledgements do not queue
		// behind them.
		if err := s.writers.lock(ctx, false); err != nil {
			return fmt.Errorf("wait for the other turns: %w", err)
		}
		defer s.writers.unlock()
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin the turn: %w", err)
	}
	defer tx.Rollback()
	if s.d.LockUser != "" {
		if _, err := tx.ExecContext(ctx, s.d.LockUser, userID); err != nil {
			return fmt.Errorf("lock the user: %w", err)
		}
	}
	if err := fn(view{s: s, q: tx, tx: tx}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit the turn: %w", err)
	}
	return nil
}

// StartJobs starts working jobs. They run until StopJobs or Close, not
// until ctx ends: a server's shutdown signal must let running jobs finish.
func (s *Store) StartJobs(ctx context.Context) error {
	if s.workers == nil {
		return errors.New("start jobs: the store was opened without workers")
	}
	// Resume before fetching: a job this process has started is running too,
	// and must not be copied.
	if err := s.resumeTurns(ctx); err != nil {
		return err
	}
	if err := s.jobs.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("start jobs: %w", err)
	}
	return nil
}

// resumeTurns inserts a new job for every turn job left running: a turn
// interrupted by a crash then runs again as soon as a process starts,
// rather than when River's rescuer gets to it. A turn is one transaction,
// so the copy of one that is in fact still running (on another replica)
// waits for the user's lock and finds the event handled.
func (s *Store) resumeTurns(ctx context.Context) error {
	var turns []river.InsertManyParams
	const running = `SELECT args ->> 'user_id', args ->> 'event_id' FROM river_job WHERE state = 'running' AND kind = $1`
	err := s.each(ctx, running, []any{store.TurnArgs{}.Kind()}, func(rows *sql.Rows) error {
		var turn store.TurnArgs
		err := rows.Scan(&turn.UserID, &turn.EventID)
		turns = append(turns, river.InsertManyParams{Args: turn})
		return err
	})
	if err == nil && len(turns) > 0 {
		_, err = s.jobs.InsertMany(ctx, turns)
	}
	if err != nil {
		return fmt.Errorf("resume interrupted turns: %w", err)
	}
	return nil
}

// StopJobs stops fetching jobs and waits for running ones to finish, or for
// ctx to end.
func (s *Store) StopJobs(ctx context.Context) error {
	if err := s.jobs.Stop(ctx); err != nil {
		return fmt.Errorf("stop jobs: %w", err)
	}
	return nil
}

// JobCounts counts the job queue's jobs by state, for the metrics.
func (s *Store) JobCounts(ctx context.Context) (map[string]int, error) {
	counts := map[string]int{}
	err := s.each(ctx, `SELECT CAST(state AS text), count(*) FROM river_job GROUP BY state`, nil, func(rows *sql.Rows) error {
		var state string
		var n int
		err := rows.Scan(&state, &n)
		counts[state] = n
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("count jobs: %w", err)
	}
	return counts, nil
}

func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("ping %s: %w", s.d.Name, err)
	}
	return nil
}

func (s *Store) Backend() string { return s.d.Name }

// Close stops jobs still running (cancelling them after closeTimeout) and
// closes the database.
func (s *Store) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
	defer cancel()
	err := s.jobs.Stop(ctx)
	if err != nil {
		err = s.jobs.StopAndCancel(context.Background())
	}
	s.group.close()
	return errors.Join(err, s.db.Close())
}

// sql is query as the dialect takes it.
func (s *Store) sql(query string) string {
	if s.d.RowLocks || !strings.Contains(query, "FOR UPDATE") {
		return query
	}
	if q, ok := s.queries.Load(query); ok {
		return q.(string)
	}
	q := strings.NewReplacer("FOR UPDATE SKIP LOCKED", "", "FOR UPDATE", "").Replace(query)
	s.queries.Store(query, q)
	return q
}

// querier is the database or a transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// view is the store seen through the database, or through a turn's
// transaction (tx): every read and effect is written once, on a view.
type view struct {
	s  *Store
	q  querier
	tx *sql.Tx // the turn's; nil outside a turn
}

var _ store.Tx = view{}

// inTx runs fn in a transaction: its own, or, inside a turn, a savepoint of
// the turn's, so that an effect that fails leaves the turn as it was.
func (v view) inTx(ctx context.Context, fn func(tx view) error) error {
	if v.tx != nil {
		if _, err := v.tx.ExecContext(ctx, "SAVEPOINT effect"); err != nil {
			return err
		}
		if err := fn(v); err != nil {
			_, rerr := v.tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT effect")
			return errors.Join(err, rerr)
		}
		_, err := v.tx.ExecContext(ctx, "RELEASE SAVEPOINT effect")
		return err
	}
	tx, err := v.s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(view{s: v.s, q: tx, tx: tx}); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// exec runs a statement and returns how many rows it changed.
func (v view) exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := v.q.ExecContext(ctx, v.s.sql(query), args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// row scans the one row of a query into dest; no row is store.ErrNotFound.
func (v view) row(ctx context.Context, query string, args []any, dest ...any) error {
	err := v.q.QueryRowContext(ctx, v.s.sql(query), args...).Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	return err
}

// each calls scan for every row of a query.
func (v view) each(ctx context.Context, query string, args []any, scan func(*sql.Rows) error) error {
	rows, err := v.q.QueryContext(ctx, v.s.sql(query), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// list returns every row of a query, scanned by dest into a T.
func list[T any](ctx context.Context, v view, dest func(*T) []any, query string, args ...any) ([]T, error) {
	var all []T
	err := v.each(ctx, query, args, func(rows *sql.Rows) error {
		var x T
		err := rows.Scan(dest(&x)...)
		all = append(all, x)
		return err
	})
	return all, err
}

// one returns the one row of a query, scanned by dest, or store.ErrNotFound.
func one[T any](ctx context.Context, v view, dest func(*T) []any, query string, args ...any) (T, error) {
	var x T
	err := v.row(ctx, query, args, dest(&x)...)
	return x, err
}

// t is a time as the dialect stores it.
func (v view) t(t time.Time) any { return v.s.d.Time(t) }

// InsertJob inserts a job: on its own, or with the turn.
func (v view) InsertJob(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
	var err error
	if v.tx != nil {
		_, err = v.s.jobs.InsertTx(ctx, v.tx, args, opts)
	} else {
		_, err = v.s.jobs.Insert(ctx, args, opts)
	}
	if err != nil {
		return fmt.Errorf("insert %s job: %w", args.Kind(), err)
	}
	return nil
}

// insertJobs inserts jobs that exist only if the transaction commits.
func (v view) insertJobs(ctx context.Context, jobs ...river.InsertManyParams) error {
	if len(jobs) == 0 {
		return nil
	}
	_, err := v.s.jobs.InsertManyTx(ctx, v.tx, jobs)
	return err
}

// timeDest scans a stored time, either way it is stored: as a timestamp or
// as UTC text in TimeLayout. NULL is the zero time.
type timeDest struct{ t *time.Time }

// TimeLayout is how a time is stored as text: fixed width, so that text
// order is time order; microseconds, like Postgres.
const TimeLayout = "2006-01-02T15:04:05.000000Z"

func (d timeDest) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*d.t = time.Time{}
	case time.Time:
		*d.t = v.UTC()
	case string:
		t, err := time.Parse(TimeLayout, v)
		if err != nil {
			return fmt.Errorf("scan time: %w", err)
		}
		*d.t = t
	default:
		return fmt.Errorf("scan time: unexpected %T", v)
	}
	return nil
}
