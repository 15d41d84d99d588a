package main

import (
	"encoding/csv"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/amamibot/amamibot/bot/line/linetest"
	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/store/storetest"
)

// TestCommandsWhileServing: on both backends, every import and export runs
// against a live server while people talk to it; the waitlisted attendee an
// import offers a seat is asked by the server (the command leaves the job to it);
// an import that fails half-way leaves nothing behind, and the server keeps
// answering throughout.
func TestCommandsWhileServing(t *testing.T) {
	t.Run("embedded", func(t *testing.T) { commandsWhileServing(t, env{"DATA_DIR": t.TempDir()}) })
	t.Run("postgres", func(t *testing.T) {
		databaseURL, _ := storetest.PostgresURLs(t)
		commandsWhileServing(t, env{"DATABASE_URL": databaseURL})
	})
}

func commandsWhileServing(t *testing.T, backend env) {
	fake := linetest.NewServer(t)
	e := lineEnv(fake)
	for k, v := range backend {
		e = e.with(k, v)
	}
	if _, stderr, err := amamibot(t, e, "import", "seminars", writeSeminarsCSV(t, seminarRow("dx", dxTitle, 10, dxVenue, dxURL, 1))); err != nil {
		t.Fatalf("import seminars: %v\n%s", err, stderr)
	}
	s := startServer(t, "server", e)

	// One seat taken, one attendee waiting: arranged through the store,
	// which opens alongside the server as the commands do.
	waiting := newUser(t.Context(), fake, s.webhook())
	withLiveStore(t, e, func(st store.Store) {
		for _, r := range []store.RegisterRequest{
			{SeminarID: "dx", UserID: newUserID(), Attendance: store.Venue, Name: "先着 一郎"},
			{SeminarID: "dx", UserID: waiting.id, Attendance: store.Venue, Name: "待機 花子", Waitlist: true},
		} {
			r.Now = time.Now()
			if _, err := st.Register(t.Context(), r); err != nil {
				t.Fatal(err)
			}
		}
	})

	// Traffic: people asking for the seminar list until the commands are done.
	stop := make(chan struct{})
	var answered atomic.Int64
	var traffic sync.WaitGroup
	errs := make(chan error, 8)
	for range 4 {
		u := newUser(t.Context(), fake, s.webhook())
		traffic.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := u.ask("セミナー申込", saysList); err != nil {
					errs <- err
					return
				}
				answered.Add(1)
			}
		})
	}

	talents, err := os.ReadFile("../../match/demo_talents.csv")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfterN(string(talents), "\n", 5)
	commands := []struct {
		args []string
		want string // in stdout
	}{
		{[]string{"import", "seminars", writeSeminarsCSV(t,
			seminarRow("dx", dxTitle, 10, dxVenue, dxURL, 2), // a seat more: offered to the waitlisted attendee
			seminarRow("ai", "生成AI活用セミナー", 12, "", dxURL, 0))}, "imported 2 seminars"},
		{[]string{"import", "slots", writeFile(t, "slots.csv", "id,starts_at,ends_at,host,mode\n"+slotRow("a", 2, 10, "田中", "venue")+"\n")}, "imported 1 slots"},
		{[]string{"import", "talents", writeFile(t, "talents.csv", strings.Join(lines[:4], ""))}, "imported 3 talents"},
		{[]string{"import", "faq", writeFile(t, "faq.csv", "id,questions,answer\nparking,駐車場はありますか,20台あります。\n")}, "imported 1 faq"},
		{[]string{"export", "registrations"}, "待機 花子"},
		{[]string{"export", "--excel", "bookings"}, "\ufeffbooking_id,"},
		{[]string{"export", "matches"}, "introduction_id,"},
		{[]string{"export", "questions"}, ","},
	}
	for _, c := range commands {
		out, stderr, err := amamibot(t, e, c.args...)
		if err != nil || !strings.Contains(out, c.want) {
			t.Errorf("amamibot %s while the server runs: %v %s\nwrote %q, want %q in it", strings.Join(c.args, " "), err, stderr, tail(out, 3), c.want)
		}
	}
	if got := waiting.fake.WaitMessages(t, waiting.id, 1, answerWait); !strings.HasPrefix(answer(got).text(), saysOffered) {
		t.Errorf("the waitlisted attendee was told:\n%swant the offer of the seat the import added", answer(got))
	}

	// Fails at its last line: nothing of the file is imported.
	before := exportedWith(t, e, "registrations")
	bad := writeSeminarsCSV(t,
		seminarRow("late", "追加セミナー", 20, dxVenue, "", 30),
		seminarRow("dx", dxTitle, 10, dxVenue, dxURL, 40),
		"broken,タイトル,昨日,,,,")
	if _, _, err := amamibot(t, e, "import", "seminars", bad); err == nil || !strings.Contains(err.Error(), "nothing imported") {
		t.Errorf("import of a file bad at its last line: %v, want nothing imported", err)
	}
	withLiveStore(t, e, func(st store.Store) {
		if _, err := st.Seminar(t.Context(), "late"); err == nil {
			t.Error("the failed import left seminar late behind")
		}
		if dx, err := st.Seminar(t.Context(), "dx"); err != nil || dx.Capacity != 2 {
			t.Errorf("after the failed import dx is %+v (%v), want its 2 seats", dx, err)
		}
	})
	if after := exportedWith(t, e, "registrations"); after != before {
		t.Errorf("the failed import changed the registrations:\n%s\nwas:\n%s", after, before)
	}

	close(stop)
	traffic.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("while the commands ran: %v", err)
	}
	if answered.Load() == 0 {
		t.Error("no traffic was answered while the commands ran")
	}
	t.Logf("%d answers to traffic while %d commands ran", answered.Load(), len(commands)+3)
	list := checker(t)(newUser(t.Context(), fake, s.webhook()).ask("セミナー申込", saysList))
	if !list.has("生成AI活用セミナー") || list.has("追加セミナー") {
		t.Errorf("the server lists:\n%swant the imported seminar and not the one of the failed import", list)
	}
	checkFakeAndLogs(t, fake, s)
}

// withLiveStore opens the configured store as a command does (no workers,
// beside the running server) and closes it before returning.
func withLiveStore(t *testing.T, e env, f func(store.Store)) {
	t.Helper()
	c, err := loadConfig(e.getenv)
	if err != nil {
		t.Fatal(err)
	}
	st, err := openStore(t.Context(), c, store.Options{})
	if err != nil {
		t.Fatalf("open the store beside the server: %v", err)
	}
	defer st.Close()
	f(st)
}

// exportedWith runs `amamibot export what` and returns its rows without
// the header, checking they are CSV.
func exportedWith(t *testing.T, e env, what string) string {
	t.Helper()
	out, stderr, err := amamibot(t, e, "export", what)
	if err != nil {
		t.Fatalf("export %s: %v\n%s", what, err, stderr)
	}
	if _, err := csv.NewReader(strings.NewReader(out)).ReadAll(); err != nil {
		t.Fatalf("export %s is not CSV: %v", what, err)
	}
	_, rows, _ := strings.Cut(out, "\n")
	return rows
}
