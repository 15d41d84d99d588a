package postgres_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/store/postgres"
	"github.com/amamibot/amamibot/store/storetest"
)

func TestContract(t *testing.T) {
	storetest.Run(t, storetest.OpenPostgres)
}

// open opens a store on databaseURL, closed at cleanup.
func open(t testing.TB, databaseURL string) store.Store {
	t.Helper()
	s, err := postgres.Open(t.Context(), databaseURL, store.Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// replicas opens n stores on one fresh database, like n server replicas.
func replicas(t *testing.T, n int) []store.Store {
	t.Helper()
	databaseURL, _ := storetest.PostgresURLs(t)
	stores := make([]store.Store, n)
	for i := range stores {
		stores[i] = open(t, databaseURL)
	}
	return stores
}

func seminar(t testing.TB, s store.Store, id string, capacity int) store.Seminar {
	t.Helper()
	starts := time.Now().UTC().Add(72 * time.Hour).Truncate(time.Second)
	m := store.Seminar{
		ID: id, Title: "セミナー " + id, StartsAt: starts, EndsAt: starts.Add(90 * time.Minute),
		Venue: "奄美市名瀬", OnlineURL: "https://example.com/" + id, Capacity: capacity,
	}
	if err := s.UpsertSeminars(t.Context(), []store.Seminar{m}); err != nil {
		t.Fatalf("UpsertSeminars: %v", err)
	}
	return m
}

func TestReplicasRaceForSeats(t *testing.T) {
	stores := replicas(t, 2)
	seminar(t, stores[0], "s", 20)

	const n = 100
	confirmed, full := storetest.Race(t, n, store.ErrVenueFull, func(i int) error {
		_, err := stores[i%2].Register(t.Context(), store.RegisterRequest{
			SeminarID: "s", UserID: fmt.Sprintf("u%03d", i), Attendance: store.Venue,
			Name: "名前", Company: "会社", Now: time.Now(),
		})
		return err
	})
	if confirmed != 20 || full != n-20 {
		t.Errorf("%d confirmed, %d ErrVenueFull; want 20 and %d", confirmed, full, n-20)
	}
	for _, s := range stores {
		m, err := s.Seminar(t.Context(), "s")
		if err != nil || m.Booked != 20 {
			t.Errorf("Seminar: Booked %d, %v; want 20", m.Booked, err)
		}
	}
}

// TestRegisterModeNotOffered: a seminar takes only the attendance it offers.
func TestRegisterModeNotOffered(t *testing.T) {
	s := storetest.OpenPostgres(t, store.Options{})
	starts := time.Now().UTC().Add(72 * time.Hour)
	err := s.UpsertSeminars(t.Context(), []store.Seminar{
		{ID: "venue", Title: "会場のみ", StartsAt: starts, EndsAt: starts.Add(time.Hour), Venue: "奄美市名瀬", Capacity: 5},
		{ID: "online", Title: "オンラインのみ", StartsAt: starts, EndsAt: starts.Add(time.Hour), OnlineURL: "https://example.com/o"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, req := range []store.RegisterRequest{
		{SeminarID: "venue", UserID: "u1", Attendance: store.Online},
		{SeminarID: "online", UserID: "u1", Attendance: store.Venue, Waitlist: true},
		{SeminarID: "online", UserID: "u1", Attendance: store.Venue},
		{SeminarID: "venue", UserID: "u1", Attendance: "hybrid"},
	} {
		_, err := s.Register(t.Context(), req)
		if err == nil || errors.Is(err, store.ErrVenueFull) {
			t.Errorf("Register(%s, %s, waitlist %t): err = %v, want a refusal", req.SeminarID, req.Attendance, req.Waitlist, err)
		}
	}
	if all, err := s.AllRegistrations(t.Context()); err != nil || len(all) != 0 {
		t.Errorf("AllRegistrations = %d, %v; want none", len(all), err)
	}
}

func TestReplicasMigrateAtOnce(t *testing.T) {
	databaseURL, _ := storetest.PostgresURLs(t)
	const n = 4
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() { open(t, databaseURL) })
	}
	wg.Wait()

	conn, err := pgx.Connect(t.Context(), databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	rows, _ := conn.Query(t.Context(), `SELECT version FROM schema_migrations ORDER BY version`)
	versions, err := pgx.CollectRows(rows, pgx.RowTo[int])
	files, _ := filepath.Glob("migrations/*.sql") // each applied once; gaps in the numbering are fine
	want := make([]int, len(files))
	for i, f := range files {
		prefix, _, _ := strings.Cut(filepath.Base(f), "_")
		want[i], _ = strconv.Atoi(prefix)
	}
	if err != nil || len(want) == 0 || !slices.Equal(versions, want) {
		t.Errorf("schema_migrations = %v, %v; want %v", versions, err, want)
	}
	var river int
	if err := conn.QueryRow(t.Context(), `SELECT count(*) FROM river_migration`).Scan(&river); err != nil || river == 0 {
		t.Errorf("river_migration: %d rows, %v", river, err)
	}
	// Opening again changes nothing.
	open(t, databaseURL)
}

// TestTurnsAcrossReplicas: one user's turns run one at a time across
// replicas; another user's turn does not wait.
func TestTurnsAcrossReplicas(t *testing.T) {
	stores := replicas(t, 2)
	ctx := t.Context()

	held, release := make(chan struct{}), make(chan struct{})
	ended := make(chan error, 1)
	go func() {
		ended <- stores[0].Turn(ctx, "u1", func(store.Tx) error { close(held); <-release; return nil })
	}()
	<-held
	if tryTurn(t, stores[1], "u1", 200*time.Millisecond) {
		t.Fatal("the second replica ran a turn of a user whose turn runs on the first")
	}
	if !tryTurn(t, stores[1], "u2", 10*time.Second) {
		t.Fatal("another user's turn waited for u1's")
	}
	close(release)
	if err := <-ended; err != nil {
		t.Fatal(err)
	}
	if !tryTurn(t, stores[1], "u1", 10*time.Second) {
		t.Fatal("the second replica could not run a turn after the first ended")
	}

	var inside atomic.Int32
	counter := 0 // guarded by the user's lock only
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for range 10 {
				err := stores[i%2].Turn(ctx, "u2", func(store.Tx) error {
					if inside.Add(1) != 1 {
						t.Error("two turns of one user at once")
					}
					counter++
					inside.Add(-1)
					return nil
				})
				if err != nil {
					t.Errorf("Turn: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	if counter != 80 {
		t.Errorf("counter = %d, want 80", counter)
	}
}

// TestTurnOfDeadHolder: a turn whose replica died (its connection gone)
// holds up the user's next turn no longer.
func TestTurnOfDeadHolder(t *testing.T) {
	databaseURL, _ := storetest.PostgresURLs(t)
	s := open(t, databaseURL)
	ctx := t.Context()
	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	// The dead replica: a transaction holding u1's lock, then its process
	// gone (the server ends its connection, as when the host disappears).
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('u1', 0))`); err != nil {
		t.Fatal(err)
	}
	if tryTurn(t, s, "u1", 200*time.Millisecond) {
		t.Fatal("a turn ran while another transaction held the user's lock")
	}
	var pid int
	if err := tx.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
		t.Fatal(err)
	}
	killer, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer killer.Close(context.Background())
	if _, err := killer.Exec(ctx, `SELECT pg_terminate_backend($1)`, pid); err != nil {
		t.Fatal(err)
	}
	if !tryTurn(t, s, "u1", 5*time.Second) {
		t.Error("the user's turn still waits after its holder died")
	}
}

func tryTurn(t *testing.T, s store.Store, userID string, d time.Duration) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), d)
	defer cancel()
	err := s.Turn(ctx, userID, func(store.Tx) error { return nil })
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Turn: %v", err)
	}
	return err == nil
}

func TestOpenErrors(t *testing.T) {
	databaseURL, _ := storetest.PostgresURLs(t)
	const password = "s3cr3t-pw"
	withPassword := func(rawURL, host string) string {
		u, err := url.Parse(rawURL)
		if err != nil {
			t.Fatal(err)
		}
		u.User = url.UserPassword(cmp.Or(u.User.Username(), "root"), password)
		if host != "" {
			u.Host = host
		}
		return u.String()
	}
	tests := []struct {
		name, databaseURL string
		want              []string
	}{
		{
			"postgres unreachable",
			withPassword(databaseURL, "127.0.0.1:1"),
			[]string{"connect to Postgres at 127.0.0.1:1/", "is DATABASE_URL right?"},
		},
		{
			"postgres URL malformed",
			"postgres://root:" + password + "@127.0.0.1:port/x",
			[]string{"parse DATABASE_URL"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := postgres.Open(t.Context(), tt.databaseURL, store.Options{})
			if err == nil {
				s.Close()
				t.Fatal("Open: no error")
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("Open: %v\nwant it to say %q", err, want)
				}
			}
			if strings.Contains(err.Error(), password) {
				t.Errorf("Open: %v\nshows the password", err)
			}
		})
	}
}

// BenchmarkRegister registers distinct users for venue seats. On one seminar
// every registration waits for the seminar's row lock, as for a popular
// seminar; on many they spread out.
func BenchmarkRegister(b *testing.B) {
	for _, seminars := range []int{1, 100} {
		b.Run(fmt.Sprintf("seminars=%d", seminars), func(b *testing.B) {
			databaseURL, _ := storetest.PostgresURLs(b)
			s := open(b, databaseURL)
			for i := range seminars {
				seminar(b, s, fmt.Sprint(i), 1<<30)
			}
			var n atomic.Int64
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := n.Add(1)
					_, err := s.Register(b.Context(), store.RegisterRequest{
						SeminarID: fmt.Sprint(i % int64(seminars)), UserID: fmt.Sprint("u", i), Attendance: store.Venue,
						Name: "名前", Company: "会社", Now: time.Now(),
					})
					if err != nil {
						b.Error(err)
					}
				}
			})
		})
	}
}

// BenchmarkRecordEvents records webhook deliveries of one and of ten new
// events, each with its TurnArgs jobs.
func BenchmarkRecordEvents(b *testing.B) {
	for _, batch := range []int{1, 10} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			databaseURL, _ := storetest.PostgresURLs(b)
			s := open(b, databaseURL)
			var n atomic.Int64
			b.RunParallel(func(pb *testing.PB) {
				events := make([]store.Event, batch)
				for pb.Next() {
					for j := range events {
						i := n.Add(1)
						now := time.Now()
						events[j] = store.Event{
							ID: fmt.Sprint("e", i), UserID: fmt.Sprint("u", i%100), Kind: "text", Text: "セミナー申込",
							ReplyToken: "token", OccurredAt: now, ReceivedAt: now,
						}
					}
					if _, err := s.RecordEvents(b.Context(), events); err != nil {
						b.Error(err)
					}
				}
			})
			b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// TestRestartResumesInterruptedTurn: a turn job left running by a crashed
// replica runs again as soon as a replica starts its jobs.
func TestRestartResumesInterruptedTurn(t *testing.T) {
	databaseURL, _ := storetest.PostgresURLs(t)
	s := open(t, databaseURL)
	now := time.Now()
	if _, err := s.RecordEvents(t.Context(), []store.Event{{ID: "e1", UserID: "u1", Kind: "text", Text: "メニュー", OccurredAt: now, ReceivedAt: now}}); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(t.Context(), databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(t.Context(), `UPDATE river_job SET state = 'running', attempt = 1, attempted_at = now() WHERE kind = 'turn'`); err != nil {
		t.Fatal(err)
	}

	ran := make(chan store.TurnArgs, 2)
	workers := river.NewWorkers()
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, job *river.Job[store.TurnArgs]) error {
		ran <- job.Args
		return nil
	}))
	restarted, err := postgres.Open(t.Context(), databaseURL, store.Options{Workers: workers, FetchPollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer restarted.Close()
	if err := restarted.StartJobs(t.Context()); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-ran:
		if got != (store.TurnArgs{UserID: "u1", EventID: "e1"}) {
			t.Errorf("resumed %+v, want the interrupted turn of u1", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the interrupted turn did not run again within 10 s of the start")
	}
}
