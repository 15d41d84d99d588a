package storetest

import (
	"cmp"
	"context"
	"crypto/rand"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/store/postgres"
)

// The servers the Postgres tests use, unless TEST_DATABASE_URL and
// TEST_REDIS_URL say otherwise. The Postgres role must be allowed to create
// databases.
const (
	defaultTestDatabaseURL = "postgres://root@127.0.0.1:5432/postgres?sslmode=disable"
	defaultTestRedisURL    = "redis://127.0.0.1:6379/0"
)

// OpenPostgres opens a Postgres store on a fresh database; at cleanup it
// stops the jobs, closes the store and drops the database.
func OpenPostgres(t *testing.T, opts store.Options) store.Store {
	t.Helper()
	databaseURL, _ := PostgresURLs(t)
	s, err := postgres.Open(context.Background(), databaseURL, opts)
	if err != nil {
		t.Fatalf("open postgres store: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := s.StopJobs(ctx); err != nil {
			t.Errorf("stop jobs: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	return s
}

// PostgresURLs creates a fresh, empty database and returns its URL, and the
// Redis URL for servers configured with one, for tests that open several
// stores (or servers) on one database, and for benchmarks. At cleanup it
// drops the database; stores opened on it must be closed by cleanups
// registered later.
func PostgresURLs(t testing.TB) (databaseURL, redisURL string) {
	t.Helper()
	adminURL := cmp.Or(os.Getenv("TEST_DATABASE_URL"), defaultTestDatabaseURL)
	redisURL = cmp.Or(os.Getenv("TEST_REDIS_URL"), defaultTestRedisURL)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	u, err := url.Parse(adminURL)
	if err != nil || u.Scheme != "postgres" && u.Scheme != "postgresql" {
		t.Fatal("TEST_DATABASE_URL must be a postgres:// URL")
	}
	admin, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		t.Fatalf("Postgres not reachable at %s: %v: start it with `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` or set TEST_DATABASE_URL", u.Redacted(), err)
	}
	defer admin.Close(ctx)

	name := "amamibot_test_" + strings.ToLower(rand.Text())
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() { dropDatabase(t, adminURL, name) })

	u.Path = "/" + name
	return u.String(), redisURL
}

// dropDatabase drops the test database.
func dropDatabase(t testing.TB, adminURL, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		t.Errorf("drop test database %s: %v", name, err)
		return
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
		t.Errorf("drop test database %s: %v", name, err)
	}
}
