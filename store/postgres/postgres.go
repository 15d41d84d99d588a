// Package postgres is the production store: records and River jobs in
// Postgres (through a pgx pool), sessions and per-user locks in Redis, so
// that several replicas can share one database.
//
// Redis keys are namespaced by the database's name (see KeyPrefix): replicas
// on one database share sessions and locks, stores on two databases never
// meet.
package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/amamibot/amamibot/store"
)

// Store is the Postgres + Redis implementation of store.Store.
type Store struct {
	pool    *pgxpool.Pool
	rdb     *redis.Client
	jobs    *river.Client[pgx.Tx]
	workers *river.Workers
	prefix  string // Redis key prefix
	lockTTL time.Duration
	logger  *slog.Logger
}

var _ store.Store = (*Store)(nil)

const (
	// connectTimeout bounds the first contact with Postgres and Redis, so a
	// wrong host fails at start instead of hanging.
	connectTimeout = 10 * time.Second
	// closeTimeout bounds how long Close waits for running jobs.
	closeTimeout = 10 * time.Second
)

// Open connects to Postgres and Redis, applies the migrations (River's and
// the store's own) and prepares the River client. Jobs can be inserted at
// once; they are worked after StartJobs, and only when opts.Workers is set.
func Open(ctx context.Context, databaseURL, redisURL string, opts store.Options) (*Store, error) {
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	pool, err := connectPostgres(ctx, databaseURL)
	if err != nil {
		return nil, err
	}
	rdb, err := connectRedis(ctx, redisURL)
	if err != nil {
		pool.Close()
		return nil, err
	}
	s := &Store{pool: pool, rdb: rdb, workers: opts.Workers, lockTTL: lockTTL, logger: logger}
	if err := s.open(ctx, opts); err != nil {
		return nil, errors.Join(err, s.Close())
	}
	return s, nil
}

func (s *Store) open(ctx context.Context, opts store.Options) error {
	var database string
	if err := s.pool.QueryRow(ctx, `SELECT current_database()`).Scan(&database); err != nil {
		return fmt.Errorf("read database name: %w", err)
	}
	s.prefix = KeyPrefix(database)

	driver := riverpgxv5.New(s.pool)
	if err := migrate(ctx, s.pool, driver, s.logger); err != nil {
		return err
	}

	config := &river.Config{
		Logger: s.logger,
		// Commands that only import records insert jobs without workers.
		SkipUnknownJobCheck: true,
		// A job whose channel is not configured here (Slack alerts on a
		// server without Slack) waits for a server that has it, not failing.
		FetchOnlyKnownKinds: true,
		FetchPollInterval:   opts.FetchPollInterval,
		Workers:             opts.Workers,
		PeriodicJobs:        opts.PeriodicJobs,
	}
	if opts.FetchPollInterval > 0 {
		// River wants the poll interval to be at least the cooldown.
		config.FetchCooldown = min(opts.FetchPollInterval, river.FetchCooldownDefault)
	}
	if opts.Workers != nil {
		config.Queues = map[string]river.QueueConfig{
			river.QueueDefault: {MaxWorkers: cmp.Or(opts.MaxWorkers, 20)},
		}
	}
	jobs, err := river.NewClient(driver, config)
	if err != nil {
		return fmt.Errorf("create River client: %w", err)
	}
	s.jobs = jobs
	return nil
}

// KeyPrefix is the prefix of every Redis key of the store on the named
// database.
func KeyPrefix(database string) string { return "amamibot:" + database + ":" }

func connectPostgres(ctx context.Context, databaseURL string) (*pgxpool.Pool, error) {
	config, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		// pgx redacts passwords from parse errors only on a best-effort basis.
		return nil, fmt.Errorf("parse DATABASE_URL: %s", redact(err.Error(), databaseURL))
	}
	config.AfterConnect = func(_ context.Context, conn *pgx.Conn) error {
		// Read every timestamptz as UTC, whatever the server's or the
		// process's time zone.
		conn.TypeMap().RegisterType(&pgtype.Type{
			Name:  "timestamptz",
			OID:   pgtype.TimestamptzOID,
			Codec: &pgtype.TimestamptzCodec{ScanLocation: time.UTC},
		})
		return nil
	}
	where := fmt.Sprintf("%s:%d/%s", config.ConnConfig.Host, config.ConnConfig.Port, config.ConnConfig.Database)

	ctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	pool, err := pgxpool.NewWithConfig(ctx, config)
	if err == nil {
		if err = pool.Ping(ctx); err != nil {
			pool.Close()
		}
	}
	if err != nil {
		return nil, fmt.Errorf("connect to Postgres at %s: %s — is DATABASE_URL right?", where, redact(err.Error(), databaseURL))
	}
	return pool, nil
}

func connectRedis(ctx context.Context, redisURL string) (*redis.Client, error) {
	options, err := redis.ParseURL(redisURL)
	if err != nil {
		return nil, fmt.Errorf("parse REDIS_URL: %s", redact(err.Error(), redisURL))
	}
	rdb := redis.NewClient(options)

	ctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	if err := rdb.Ping(ctx).Err(); err != nil {
		rdb.Close()
		return nil, fmt.Errorf("connect to Redis at %s (db %d): %s — is REDIS_URL right?", options.Addr, options.DB, redact(err.Error(), redisURL))
	}
	return rdb, nil
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

// InsertJob inserts a job on its own.
func (s *Store) InsertJob(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
	if _, err := s.jobs.Insert(ctx, args, opts); err != nil {
		return fmt.Errorf("insert %s job: %w", args.Kind(), err)
	}
	return nil
}

// StartJobs starts working jobs. They run until StopJobs or Close, not
// until ctx ends: a server's shutdown signal must let running jobs finish.
func (s *Store) StartJobs(ctx context.Context) error {
	if s.workers == nil {
		return errors.New("start jobs: the store was opened without workers")
	}
	if err := s.jobs.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("start jobs: %w", err)
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

// Ping checks Postgres and Redis.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("ping Postgres: %w", err)
	}
	if err := s.rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("ping Redis: %w", err)
	}
	return nil
}

func (s *Store) Backend() string { return "postgres+redis" }

// Close stops jobs still running (cancelling them after closeTimeout) and
// closes the connections.
func (s *Store) Close() error {
	var err error
	if s.jobs != nil {
		ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
		defer cancel()
		if err = s.jobs.Stop(ctx); err != nil {
			err = s.jobs.StopAndCancel(context.Background())
		}
	}
	// The pool waits for River's connections, so it closes last.
	err = errors.Join(err, s.rdb.Close())
	s.pool.Close()
	return err
}
