// Package postgres is the production store: records, sessions and River
// jobs in Postgres, so that several replicas can share one database. It is
// store/sqlstore through pgx's database/sql driver; this package holds only
// what is Postgres's own: connecting, the per-user advisory lock, row locks,
// text[] lists and the migrations.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"

	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

const (
	// connectTimeout bounds the first contact with Postgres, so a wrong host
	// fails at start instead of hanging.
	connectTimeout = 10 * time.Second
	// statementTimeout bounds every statement, waiting for a user's lock
	// included; idleInTxTimeout ends a transaction whose holder stopped
	// talking (a stuck or partitioned replica), releasing its locks.
	statementTimeout = "30s"
	idleInTxTimeout  = "15s"
	// maxConns bounds the connections of one process. A turn holds one for
	// its transaction, and never asks for a second. A turn is a dozen round
	// trips, so under load turns wait on the network rather than on the
	// CPU: the 16 turns run at once (TURN_WORKERS) each need one, and the
	// webhooks' group commit and River a few more.
	maxConns = 20
	// migrationLock is the advisory lock key under which replicas starting
	// at once migrate one after the other ("amami" in ASCII).
	migrationLock = "418446929257"
)

// Open connects to Postgres, applies the migrations (River's and the
// store's own) and prepares the River client. Jobs can be inserted at once;
// they are worked after StartJobs, and only when opts.Workers is set.
func Open(ctx context.Context, databaseURL string, opts store.Options) (*sqlstore.Store, error) {
	config, err := pgx.ParseConfig(databaseURL)
	if err != nil {
		// pgx redacts passwords from parse errors only on a best-effort basis.
		return nil, fmt.Errorf("parse DATABASE_URL: %s", redact(err.Error(), databaseURL))
	}
	config.RuntimeParams["statement_timeout"] = statementTimeout
	config.RuntimeParams["idle_in_transaction_session_timeout"] = idleInTxTimeout
	db := stdlib.OpenDB(*config)
	// Bounded, so that replicas stay under the server's max_connections
	// (100 by default), and kept open: a new connection is a new server
	// process.
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)

	where := fmt.Sprintf("%s:%d/%s", config.Host, config.Port, config.Database)
	pingCtx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to Postgres at %s: %s — is DATABASE_URL right?", where, redact(err.Error(), databaseURL))
	}
	s, err := sqlstore.Open(ctx, db, dialect(db), opts)
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

func dialect(db *sql.DB) *sqlstore.Dialect {
	dir, err := fs.Sub(migrations, "migrations")
	if err != nil {
		panic(err) // the embedded directory exists
	}
	lists := &listScanner{types: pgtype.NewMap()}
	return &sqlstore.Dialect{
		Name:       "postgres",
		Driver:     riverdatabasesql.New(db),
		Migrations: dir,
		CreateMigrations: `
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
)`,
		RecordMigration:  `INSERT INTO schema_migrations (version) VALUES ($1)`,
		LockMigrations:   `SELECT pg_advisory_lock(` + migrationLock + `)`,
		UnlockMigrations: `SELECT pg_advisory_unlock(` + migrationLock + `)`,
		// A transaction-level lock: released at commit or rollback, and when
		// the holder's connection dies.
		LockUser: `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`,
		RowLocks: true,
		Time:     func(t time.Time) any { return t.UTC().Truncate(time.Microsecond) },
		List: func(list []string) any {
			if list == nil {
				return []string{} // the list columns are NOT NULL
			}
			return list
		},
		ScanList:        lists.scan,
		UniqueViolation: uniqueViolation,
	}
}

// listScanner scans text[] columns, which database/sql hands over as text.
// pgtype.Map is not safe for concurrent use, hence the mutex.
type listScanner struct {
	mu    sync.Mutex
	types *pgtype.Map
}

func (l *listScanner) scan(list *[]string) sql.Scanner {
	return scanFunc(func(v any) error {
		l.mu.Lock()
		defer l.mu.Unlock()
		return l.types.SQLScanner(list).Scan(v)
	})
}

type scanFunc func(v any) error

func (f scanFunc) Scan(v any) error { return f(v) }

// uniqueViolation reports whether err is a unique violation (SQLSTATE
// 23505) of the named index.
func uniqueViolation(err error, index string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505" && pgErr.ConstraintName == index
}

// redact removes the URL's password from msg.
func redact(msg, rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return msg
	}
	if password, ok := u.User.Password(); ok && password != "" {
		msg = strings.ReplaceAll(msg, password, "xxxxx")
	}
	return msg
}
