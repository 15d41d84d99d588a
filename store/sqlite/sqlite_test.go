package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/store/sqlite"
	"github.com/amamibot/amamibot/store/storetest"
)

func TestContract(t *testing.T) {
	storetest.Run(t, storetest.OpenSQLite)
}

func open(t testing.TB, dir string, opts store.Options) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), dir, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

func closeStore(t testing.TB, s *sqlite.Store) {
	t.Helper()
	if err := s.StopJobs(context.Background()); err != nil {
		t.Errorf("StopJobs: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

func TestMigrationsTwice(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data") // Open creates it
	closeStore(t, open(t, dir, store.Options{}))
	closeStore(t, open(t, dir, store.Options{}))

	db, err := sql.Open("sqlite", filepath.Join(dir, "amamibot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	files, _ := filepath.Glob("migrations/*.sql")
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != len(files) || n == 0 {
		t.Errorf("schema_migrations has %d rows, want %d", n, len(files))
	}
}

// TestDataDirLock: a second server on a data dir in use is refused with the
// first one's pid, while a command (no workers) opens alongside it and its
// writes reach the server.
func TestDataDirLock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	server := store.Options{Workers: river.NewWorkers()}
	s := open(t, dir, server)
	_, err := sqlite.Open(ctx, dir, server)
	if err == nil {
		t.Fatal("second server on a data dir in use: no error")
	}
	pid := fmt.Sprint(os.Getpid())
	if msg := err.Error(); !strings.Contains(msg, "in use by another amamibot server") || !strings.Contains(msg, pid) {
		t.Errorf("second server: %q, want it to name the process (pid %s)", msg, pid)
	}
	if err := s.Ping(ctx); err != nil {
		t.Errorf("first store after the refused server: %v", err)
	}

	cmd := open(t, dir, store.Options{})
	now := time.Now().UTC()
	sem := store.Seminar{ID: "s", Title: "セミナー", StartsAt: now.Add(time.Hour), EndsAt: now.Add(2 * time.Hour), Venue: "名瀬", Capacity: 3}
	if err := cmd.UpsertSeminars(ctx, []store.Seminar{sem}); err != nil {
		t.Fatalf("a command's import while the server runs: %v", err)
	}
	closeStore(t, cmd)
	if got, err := s.Seminar(ctx, "s"); err != nil || got.Capacity != 3 {
		t.Errorf("the server reads the command's seminar as %+v, %v", got, err)
	}
	closeStore(t, s)
	closeStore(t, open(t, dir, server)) // released by Close
}

// TestRestartLosesNothing: records, sessions, unhandled events and their
// jobs all survive closing and reopening the data dir.
func TestRestartLosesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	now := time.Now().UTC().Truncate(time.Second)

	s := open(t, dir, store.Options{}) // a process without workers: jobs wait
	sem := store.Seminar{ID: "s", Title: "セミナー", StartsAt: now.Add(time.Hour), EndsAt: now.Add(2 * time.Hour), Venue: "名瀬", Capacity: 1}
	if err := s.UpsertSeminars(ctx, []store.Seminar{sem}); err != nil {
		t.Fatal(err)
	}
	reg, err := s.Register(ctx, store.RegisterRequest{SeminarID: "s", UserID: "u1", Attendance: store.Venue, Name: "奄美", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordEvents(ctx, []store.Event{{ID: "e1", UserID: "u1", Kind: "text", Text: "こんにちは", OccurredAt: now, ReceivedAt: now}}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveSession(ctx, "u1", []byte("step=name"), time.Hour); err != nil {
		t.Fatal(err)
	}
	closeStore(t, s)

	var turns atomic.Int32
	workers := river.NewWorkers()
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, job *river.Job[store.TurnArgs]) error {
		if job.Args.EventID == "e1" {
			turns.Add(1)
		}
		return nil
	}))
	s = open(t, dir, store.Options{Workers: workers, FetchPollInterval: 20 * time.Millisecond})
	defer closeStore(t, s)
	if err := s.StartJobs(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := s.Registration(ctx, reg.ID)
	if err != nil || got.Status != store.Confirmed || got.Seminar.Booked != 1 {
		t.Errorf("registration after restart: %+v, %v", got, err)
	}
	if e, ok, err := s.NextEvent(ctx, "u1"); err != nil || !ok || e.ID != "e1" {
		t.Errorf("NextEvent after restart: %+v, %v, %v", e, ok, err)
	}
	if data, err := s.Session(ctx, "u1"); err != nil || string(data) != "step=name" {
		t.Errorf("Session after restart: %q, %v", data, err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for turns.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if turns.Load() != 1 {
		t.Errorf("the turn job recorded before the restart ran %d times, want 1", turns.Load())
	}
}

// TestManyStoresAtOnce opens stores in parallel, as the suite does.
func TestManyStoresAtOnce(t *testing.T) {
	t.Parallel()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() { closeStore(t, open(t, t.TempDir(), store.Options{})) })
	}
	wg.Wait()
}

// TestRestartResumesInterruptedTurn: a turn job left running by a crash
// runs again as soon as the store starts, not when River's rescuer finds it.
func TestRestartResumesInterruptedTurn(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := open(t, dir, store.Options{})
	now := time.Now()
	if _, err := s.RecordEvents(t.Context(), []store.Event{{ID: "e1", UserID: "u1", Kind: "text", Text: "メニュー", OccurredAt: now, ReceivedAt: now}}); err != nil {
		t.Fatal(err)
	}
	closeStore(t, s)
	// The crash: the turn's job was being worked.
	db, err := sql.Open("sqlite", filepath.Join(dir, "amamibot.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE river_job SET state = 'running', attempt = 1, attempted_at = datetime('now', 'subsec') WHERE kind = 'turn'`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	ran := make(chan store.TurnArgs, 2)
	workers := river.NewWorkers()
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, job *river.Job[store.TurnArgs]) error {
		ran <- job.Args
		return nil
	}))
	s = open(t, dir, store.Options{Workers: workers, FetchPollInterval: 20 * time.Millisecond})
	defer closeStore(t, s)
	if err := s.StartJobs(t.Context()); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-ran:
		if got != (store.TurnArgs{UserID: "u1", EventID: "e1"}) {
			t.Errorf("resumed %+v, want the interrupted turn of u1", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the interrupted turn did not run again within 10 s of the restart")
	}
}
