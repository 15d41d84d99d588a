package postgres_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"

	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/store/postgres"
	"github.com/amamibot/amamibot/store/storetest"
)

func TestContract(t *testing.T) {
	storetest.Run(t, storetest.OpenPostgres)
}

// open opens a store on databaseURL, closed at cleanup.
func open(t testing.TB, databaseURL, redisURL string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(t.Context(), databaseURL, redisURL, store.Options{})
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
func replicas(t *testing.T, n int) []*postgres.Store {
	t.Helper()
	databaseURL, redisURL := storetest.PostgresURLs(t)
	stores := make([]*postgres.Store, n)
	for i := range stores {
		stores[i] = open(t, databaseURL, redisURL)
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
	databaseURL, redisURL := storetest.PostgresURLs(t)
	const n = 4
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() { open(t, databaseURL, redisURL) })
	}
	wg.Wait()

	conn, err := pgx.Connect(t.Context(), databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	rows, _ := conn.Query(t.Context(), `SELECT version FROM schema_migrations ORDER BY version`)
	versions, err := pgx.CollectRows(rows, pgx.RowTo[int])
	files, _ := filepath.Glob("migrations/*.sql") // 001_… to 00n_…, each applied once
	want := make([]int, len(files))
	for i := range want {
		want[i] = i + 1
	}
	if err != nil || len(want) == 0 || !slices.Equal(versions, want) {
		t.Errorf("schema_migrations = %v, %v; want %v", versions, err, want)
	}
	var river int
	if err := conn.QueryRow(t.Context(), `SELECT count(*) FROM river_migration`).Scan(&river); err != nil || river == 0 {
		t.Errorf("river_migration: %d rows, %v", river, err)
	}
	// Opening again changes nothing.
	open(t, databaseURL, redisURL)
}

func TestLockUserAcrossReplicas(t *testing.T) {
	stores := replicas(t, 2)
	ctx := t.Context()

	unlock, err := stores[0].LockUser(ctx, "u1")
	if err != nil {
		t.Fatal(err)
	}
	if tryLock(t, stores[1], "u1", 200*time.Millisecond) {
		t.Fatal("the second replica got a lock the first holds")
	}
	unlock()
	if !tryLock(t, stores[1], "u1", 10*time.Second) {
		t.Fatal("the second replica could not lock after unlock")
	}

	var inside atomic.Int32
	counter := 0 // guarded by the lock only
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for range 10 {
				unlock, err := stores[i%2].LockUser(ctx, "u2")
				if err != nil {
					t.Errorf("LockUser: %v", err)
					return
				}
				if inside.Add(1) != 1 {
					t.Error("two holders of one user's lock")
				}
				counter++
				inside.Add(-1)
				unlock()
			}
		})
	}
	wg.Wait()
	if counter != 80 {
		t.Errorf("counter = %d, want 80", counter)
	}
}

// TestExpiredLockNotReleased: a holder whose lock expired (a long pause,
// say) and was taken by another turn must not release that turn's lock.
func TestExpiredLockNotReleased(t *testing.T) {
	databaseURL, redisURL := storetest.PostgresURLs(t)
	stores := []*postgres.Store{open(t, databaseURL, redisURL), open(t, databaseURL, redisURL)}
	rdb := redisClient(t, redisURL)
	ctx := t.Context()

	unlockOld, err := stores[0].LockUser(ctx, "u1")
	if err != nil {
		t.Fatal(err)
	}
	key := postgres.KeyPrefix(databaseName(t, databaseURL)) + "lock:u1"
	if err := rdb.PExpire(ctx, key, time.Millisecond).Err(); err != nil {
		t.Fatal(err)
	}
	unlockNew, err := stores[1].LockUser(ctx, "u1")
	if err != nil {
		t.Fatal(err)
	}
	defer unlockNew()
	unlockOld()
	if tryLock(t, stores[0], "u1", 200*time.Millisecond) {
		t.Error("the old holder's unlock released the new holder's lock")
	}
}

// TestLockExtended: a turn that runs longer than the lock's TTL keeps it.
func TestLockExtended(t *testing.T) {
	stores := replicas(t, 2)
	postgres.SetLockTTL(stores[0], 300*time.Millisecond)
	unlock, err := stores[0].LockUser(t.Context(), "u1")
	if err != nil {
		t.Fatal(err)
	}
	if tryLock(t, stores[1], "u1", time.Second) {
		t.Fatal("a lock held for over three TTLs was lost")
	}
	unlock()
	if !tryLock(t, stores[1], "u1", 10*time.Second) {
		t.Fatal("could not lock after unlock")
	}
}

func tryLock(t *testing.T, s store.Store, userID string, d time.Duration) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), d)
	defer cancel()
	unlock, err := s.LockUser(ctx, userID)
	if errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if err != nil {
		t.Fatalf("LockUser: %v", err)
	}
	unlock()
	return true
}

// TestKeysPerDatabase: stores on two databases share no session or lock.
func TestKeysPerDatabase(t *testing.T) {
	a := storetest.OpenPostgres(t, store.Options{})
	b := storetest.OpenPostgres(t, store.Options{})
	if err := a.SaveSession(t.Context(), "u1", []byte("a"), time.Hour); err != nil {
		t.Fatal(err)
	}
	if data, err := b.Session(t.Context(), "u1"); err != nil || data != nil {
		t.Errorf("Session on another database = %q, %v; want nil", data, err)
	}
	unlock, err := a.LockUser(t.Context(), "u1")
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	if !tryLock(t, b, "u1", 10*time.Second) {
		t.Error("a lock on one database held up a store on another")
	}
}

func TestOpenErrors(t *testing.T) {
	databaseURL, redisURL := storetest.PostgresURLs(t)
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
		name, databaseURL, redisURL string
		want                        []string
	}{
		{
			"postgres unreachable",
			withPassword(databaseURL, "127.0.0.1:1"), redisURL,
			[]string{"connect to Postgres at 127.0.0.1:1/", "is DATABASE_URL right?"},
		},
		{
			"postgres URL malformed",
			"postgres://root:" + password + "@127.0.0.1:port/x", redisURL,
			[]string{"parse DATABASE_URL"},
		},
		{
			"redis unreachable",
			databaseURL, withPassword(redisURL, "127.0.0.1:1"),
			[]string{"connect to Redis at 127.0.0.1:1", "is REDIS_URL right?"},
		},
		{
			"redis URL malformed",
			databaseURL, "redis://:" + password + "@127.0.0.1:6379/notadb",
			[]string{"parse REDIS_URL"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := postgres.Open(t.Context(), tt.databaseURL, tt.redisURL, store.Options{})
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

func redisClient(t *testing.T, redisURL string) *redis.Client {
	t.Helper()
	opts, err := redis.ParseURL(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opts)
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

func databaseName(t *testing.T, databaseURL string) string {
	t.Helper()
	u, err := url.Parse(databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(u.Path, "/")
}

// BenchmarkRegister registers distinct users for venue seats. On one seminar
// every registration waits for the seminar's row lock, as for a popular
// seminar; on many they spread out.
func BenchmarkRegister(b *testing.B) {
	for _, seminars := range []int{1, 100} {
		b.Run(fmt.Sprintf("seminars=%d", seminars), func(b *testing.B) {
			databaseURL, redisURL := storetest.PostgresURLs(b)
			s := open(b, databaseURL, redisURL)
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
			databaseURL, redisURL := storetest.PostgresURLs(b)
			s := open(b, databaseURL, redisURL)
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
