// Package sqlite is the embedded store: records, sessions and jobs in one
// SQLite file (pure Go, modernc.org/sqlite), River's riversqlite driver for
// the jobs. It is the zero-setup default for a single process; the data
// directory is locked so that a second process cannot open it. The logic is
// store/sqlstore's; this package holds only what is SQLite's own.
//
// SQLite allows one writer at a time, so the store uses a single connection
// (as River advises for SQLite): every statement and transaction, the
// store's and River's, takes its turn on it. A turn's transaction is
// therefore also the user's lock.
package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/riverqueue/river/riverdriver/riversqlite"
	"modernc.org/sqlite" // also registers the "sqlite" database/sql driver, for tests

	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is the embedded store.Store: store/sqlstore on one SQLite file,
// with the data directory locked when this process works jobs.
type Store struct {
	*sqlstore.Store
	lock *os.File // holds the flock on dir/lock; nil for a command
}

// Open opens the store in dir (creating it if needed), applies River's and
// the store's migrations, and prepares a River client with the workers in
// opts. With workers (a server), it fails when another server has dir open;
// without (a command), it opens alongside the server, and the jobs it
// inserts wait for the server to work them.
func Open(ctx context.Context, dir string, opts store.Options) (*Store, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create DATA_DIR: %w", err)
	}
	var lock *os.File
	if opts.Workers != nil {
		var err error
		if lock, err = lockDir(dir); err != nil {
			return nil, err
		}
	}
	// BEGIN IMMEDIATE: a transaction takes the write lock when it starts,
	// never halfway through.
	dsn := filepath.Join(dir, "amamibot.db") + "?_txlock=immediate" +
		"&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)"
	db := sql.OpenDB(connector{dsn: dsn, d: &sqlite.Driver{}})
	db.SetMaxOpenConns(1)
	s, err := sqlstore.Open(ctx, db, dialect(db), opts)
	if err != nil {
		db.Close()
		unlock(lock)
		return nil, err
	}
	return &Store{Store: s, lock: lock}, nil
}

func dialect(db *sql.DB) *sqlstore.Dialect {
	dir, err := fs.Sub(migrations, "migrations")
	if err != nil {
		panic(err) // the embedded directory exists
	}
	return &sqlstore.Dialect{
		Name:       "sqlite",
		Driver:     riversqlite.New(db),
		Migrations: dir,
		CreateMigrations: `
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
) STRICT`,
		RecordMigration: `INSERT INTO schema_migrations (version, name, applied_at)
VALUES ($1, '', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`,
		// One connection, and transactions that take the file's write lock
		// when they begin: transactions run one at a time, across processes.
		Time: func(t time.Time) any { return t.UTC().Format(sqlstore.TimeLayout) },
		List: func(list []string) any {
			if list == nil {
				return "[]"
			}
			b, err := json.Marshal(list)
			if err != nil {
				panic(err) // strings always marshal
			}
			return string(b)
		},
		ScanList:        func(list *[]string) sql.Scanner { return jsonList{list} },
		UniqueViolation: func(error, string) bool { return false }, // one writer: the read before the insert decides
	}
}

// jsonList scans a list stored as a JSON array of strings.
type jsonList struct{ list *[]string }

func (d jsonList) Scan(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("scan list: unexpected %T", v)
	}
	*d.list = nil
	if err := json.Unmarshal([]byte(s), d.list); err != nil {
		return fmt.Errorf("scan list: %w", err)
	}
	return nil
}

// lockDir takes an exclusive flock on dir/lock, which the kernel releases
// when the process ends, however it ends. The file holds the owner's pid
// for the error message. Only servers take it: a second server would work
// the same jobs and poll the same file, while a command only reads and
// writes records in transactions of its own.
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
			return nil, fmt.Errorf("DATA_DIR %s is in use by another amamibot server (pid %s): stop it, or set another DATA_DIR (import and export work while it runs)",
				dir, cmp.Or(strings.TrimSpace(string(pid)), "unknown"))
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	// The pid is only for the message above: best effort.
	f.Truncate(0)
	fmt.Fprintln(f, os.Getpid())
	return f, nil
}

// unlock releases the data directory, if this process locked it: closing
// the file releases the flock.
func unlock(lock *os.File) error {
	if lock == nil {
		return nil
	}
	return lock.Close()
}

// Close closes the store and releases the data directory.
func (s *Store) Close() error {
	err := s.Store.Close()
	return errors.Join(err, unlock(s.lock))
}
