// Package sqlite is the embedded store: records, sessions and jobs in one
// SQLite file (pure Go, modernc.org/sqlite), River's riversqlite driver for
// the jobs. It is the zero-setup default for a single process; the data
// directory is locked so that a second process cannot open it.
//
// SQLite allows one writer at a time, so the store uses a single connection
// (as River advises for SQLite): every statement and transaction, the
// store's and River's, takes its turn on it. No method holds a transaction
// while calling another method.
package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/amamibot/amamibot/store"
)

// Store is the embedded store.Store.
type Store struct {
	db    *sql.DB
	jobs  *river.Client[*sql.Tx]
	lock  *os.File // holds the flock on dir/lock
	users userLocks
}

var _ store.Store = (*Store)(nil)

// Open opens the store in dir (creating it if needed), applies River's and
// the store's migrations, and prepares a River client with the workers in
// opts. It fails when another process has dir open.
func Open(ctx context.Context, dir string, opts store.Options) (*Store, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create DATA_DIR: %w", err)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	s, err := open(ctx, dir, opts)
	if err != nil {
		lock.Close()
		return nil, err
	}
	s.lock = lock
	return s, nil
}

func open(ctx context.Context, dir string, opts store.Options) (*Store, error) {
	// BEGIN IMMEDIATE: a transaction takes the write lock when it starts,
	// never halfway through.
	dsn := filepath.Join(dir, "amamibot.db") + "?_txlock=immediate" +
		"&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	db.SetMaxOpenConns(1)

	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	driver := riversqlite.New(db)
	if err := migrate(ctx, db, driver, logger); err != nil {
		db.Close()
		return nil, err
	}

	config := &river.Config{
		Logger:              logger,
		SkipUnknownJobCheck: true, // commands without workers insert jobs too
		// A job whose channel is not configured (Slack alerts on a server
		// without Slack) waits until it is, rather than failing.
		FetchOnlyKnownKinds: true,
		Workers:             opts.Workers,
		PeriodicJobs:        opts.PeriodicJobs,
	}
	if opts.Workers != nil {
		config.Queues = map[string]river.QueueConfig{
			river.QueueDefault: {MaxWorkers: cmp.Or(opts.MaxWorkers, 20)},
		}
	}
	if d := opts.FetchPollInterval; d > 0 {
		config.FetchPollInterval = d
		config.FetchCooldown = min(d, river.FetchCooldownDefault)
	}
	jobs, err := river.NewClient(driver, config)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("create job client: %w", err)
	}
	return &Store{db: db, jobs: jobs, users: userLocks{locks: map[string]*userLock{}}}, nil
}

// lockDir takes an exclusive flock on dir/lock, which the kernel releases
// when the process ends, however it ends. The file holds the owner's pid
// for the error message.
func lockDir(dir string) (*os.File, error) {
	path := filepath.Join(dir, "lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			pid, _ := os.ReadFile(path)
			return nil, fmt.Errorf("DATA_DIR %s is in use by another amamibot process (pid %s): stop it, or set another DATA_DIR",
				dir, cmp.Or(strings.TrimSpace(string(pid)), "unknown"))
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	// The pid is only for the message above: best effort.
	f.Truncate(0)
	fmt.Fprintln(f, os.Getpid())
	return f, nil
}

// Close closes the database and releases the data directory. Stop the jobs
// first (StopJobs).
func (s *Store) Close() error {
	err := s.db.Close()
	if s.lock != nil {
		// Closing the file releases the flock.
		if cerr := s.lock.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	return nil
}

func (s *Store) Backend() string { return "sqlite" }

func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.db.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("ping sqlite: %w", err)
	}
	return nil
}

func (s *Store) InsertJob(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
	if _, err := s.jobs.Insert(ctx, args, opts); err != nil {
		return fmt.Errorf("insert %s job: %w", args.Kind(), err)
	}
	return nil
}

func (s *Store) StartJobs(ctx context.Context) error {
	if err := s.jobs.Start(ctx); err != nil {
		return fmt.Errorf("start jobs: %w", err)
	}
	return nil
}

func (s *Store) StopJobs(ctx context.Context) error {
	if err := s.jobs.Stop(ctx); err != nil {
		return fmt.Errorf("stop jobs: %w", err)
	}
	return nil
}

// Times are stored as UTC text in one fixed-width layout, so that SQLite
// orders and compares them correctly as text. Microseconds, like Postgres.
const timeLayout = "2006-01-02T15:04:05.000000Z"

func dbTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// timeDest scans a stored time.
type timeDest struct{ t *time.Time }

func (d timeDest) Scan(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("scan time: unexpected %T", v)
	}
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return fmt.Errorf("scan time: %w", err)
	}
	*d.t = t
	return nil
}

// inTx runs fn in a transaction and commits it unless fn fails.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}
