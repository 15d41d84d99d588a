package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/amamibot/amamibot/bot/line/linetest"
)

// TestEmbeddedDefault: with no DATABASE_URL the server runs on the embedded
// store in DATA_DIR and says so first; it greets a new friend, takes a
// registration, and after a restart on the same DATA_DIR still has it.
func TestEmbeddedDefault(t *testing.T) {
	fake := linetest.NewServer(t)
	dir := t.TempDir()
	e := lineEnv(fake).with("DATA_DIR", dir)
	if _, stderr, err := amamibot(t, e, "import", "seminars", writeSeminarsCSV(t, seminarRow("dx", dxTitle, 10, dxVenue, dxURL, venueSeats))); err != nil {
		t.Fatalf("import seminars: %v\n%s", err, stderr)
	}

	s := startServer(t, "embedded", e)
	first, _, _ := strings.Cut(s.log.String(), "\n")
	if !strings.Contains(first, "store: embedded SQLite") || !strings.Contains(first, "data_dir="+dir) {
		t.Errorf("first log line %q, want it to say the store is the embedded one in DATA_DIR", first)
	}

	check := checker(t)
	u := newUser(t.Context(), fake, s.webhook())
	hello := check(u.follow())
	if buttons := hello.buttons(); !strings.HasPrefix(hello.text(), saysGreeting) || !slices.Contains(buttons, "セミナー申込") || !slices.Contains(buttons, "申込確認") {
		t.Errorf("follow answered:\n%swant the greeting and the menu", hello)
	}
	list := check(u.ask("セミナー申込", saysList))
	ans := check(u.choose(list, "申し込む", saysAttendance))
	ans = check(u.choose(ans, "会場で参加", saysNotice))
	check(u.choose(ans, "同意する", saysName))
	check(u.ask("山田 太郎", saysCompany))
	ans = check(u.ask("山田商店", saysSummary))
	done := check(u.choose(ans, "確定する", saysRegistered))
	if !strings.Contains(done.text(), "会場: "+dxVenue) {
		t.Errorf("confirmation:\n%swant the venue", done)
	}
	if err := s.stop(); err != nil {
		t.Fatalf("SIGTERM: run returned %v, want nil", err)
	}

	again := startServer(t, "embedded after restart", e)
	u.hooks = []string{again.webhook()}
	mine := check(u.ask("申込確認", saysMine))
	if !mine.has(dxTitle) || !mine.has("参加方法: 会場（"+dxVenue+"）") {
		t.Errorf("申込確認 after a restart answered:\n%swant the venue registration made before", mine)
	}
	if err := again.stop(); err != nil {
		t.Errorf("SIGTERM: run returned %v, want nil", err)
	}
	checkFakeAndLogs(t, fake, s, again)
}

// TestSignalFinishesTurnInFlight: SIGTERM (the context of run cancelled)
// while a turn is answering the user lets the turn finish and its answer
// reach LINE before run returns nil.
func TestSignalFinishesTurnInFlight(t *testing.T) {
	fake := linetest.NewServer(t)
	// LINE, behind a gate that holds the first reply until the test opens it.
	arrived, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	target, _ := url.Parse(fake.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	gate := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v2/bot/message/reply" {
			once.Do(func() { close(arrived) })
			<-release
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(gate.Close)
	e := lineEnv(fake).with("DATA_DIR", t.TempDir(), "LINE_API_BASE_URL", gate.URL)
	s := startServer(t, "embedded", e)
	u := newUser(t.Context(), fake, s.webhook())

	if err := u.post(fake.TextEvent(u.id, "メニュー")); err != nil {
		t.Fatal(err)
	}
	select {
	case <-arrived: // the turn is sending its answer: it is in flight
	case <-time.After(answerWait):
		t.Fatalf("the turn did not answer within %v", answerWait)
	}
	stopped := make(chan error, 1)
	go func() { stopped <- s.stop() }()
	if err := s.log.waitFor("shutting down", stopWait); err != nil {
		close(release)
		t.Fatal(err)
	}
	select {
	case err := <-stopped:
		t.Errorf("run returned (%v) while a turn was still answering", err)
	default:
	}
	close(release)
	if err := <-stopped; err != nil {
		t.Errorf("SIGTERM: run returned %v, want nil", err)
	}
	got := fake.Messages(u.id)
	if len(got) != 1 || got[0].Via != "reply" || !strings.HasPrefix(got[0].Text, "ご用件をお選びください。") {
		t.Errorf("after the shutdown the user has:\n%swant the menu, answered by reply", answer(got))
	}
	checkFakeAndLogs(t, fake, s)
}

// TestSignalKeepsAcknowledgedEvents: a message acknowledged (200) just
// before SIGTERM is answered exactly once: before run returns, or by the
// next start on the same store.
func TestSignalKeepsAcknowledgedEvents(t *testing.T) {
	fake := linetest.NewServer(t)
	e := lineEnv(fake).with("DATA_DIR", t.TempDir())
	s := startServer(t, "embedded", e)
	u := newUser(t.Context(), fake, s.webhook())
	if err := u.post(fake.TextEvent(u.id, "メニュー")); err != nil {
		t.Fatal(err)
	}
	if err := s.stop(); err != nil {
		t.Fatalf("SIGTERM: run returned %v, want nil", err)
	}
	answeredBefore := len(fake.Messages(u.id))
	t.Logf("answered before the shutdown: %v", answeredBefore > 0)

	again := startServer(t, "embedded after restart", e)
	u.hooks = []string{again.webhook()}
	check := checker(t)
	menu := check(u.waitAnswer(0))
	if !strings.HasPrefix(menu.text(), "ご用件をお選びください。") {
		t.Errorf("the message acknowledged before SIGTERM was answered:\n%swant the menu", menu)
	}
	// Answered after what the user sends next, the acknowledged message
	// shows whether it was answered twice.
	before := len(fake.Messages(u.id))
	check(u.ask("申込確認", "現在お申し込みはありません。"))
	if got := fake.Messages(u.id); len(got) != before+1 || before != 1 {
		t.Errorf("the user has:\n%swant the menu once, then the answer to 申込確認", answer(got))
	}
	if err := again.stop(); err != nil {
		t.Errorf("SIGTERM: run returned %v, want nil", err)
	}
	checkFakeAndLogs(t, fake, s, again)
}

// TestTypedSignUp: someone who types sentences instead of tapping signs up
// from one message that names the day and online attendance, through a
// restart of the server mid-flow, and the store keeps the name without its
// frame and no company.
func TestTypedSignUp(t *testing.T) {
	fake := linetest.NewServer(t)
	dir := t.TempDir()
	e := lineEnv(fake).with("DATA_DIR", dir)
	if _, stderr, err := amamibot(t, e, "import", "seminars", writeSeminarsCSV(t, seminarRow("dx", dxTitle, 10, dxVenue, dxURL, venueSeats))); err != nil {
		t.Fatalf("import seminars: %v\n%s", err, stderr)
	}
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	day := time.Now().In(tokyo).AddDate(0, 0, 10).Day()

	s := startServer(t, "embedded", e)
	check := checker(t)
	u := newUser(t.Context(), fake, s.webhook())
	check(u.ask(fmt.Sprintf("%d日のセミナーにリモートで出たいです", day), saysNotice))
	check(u.ask("同意します", saysName))
	if err := s.stop(); err != nil {
		t.Fatalf("SIGTERM: %v", err)
	}

	again := startServer(t, "embedded after restart", e)
	u.hooks = []string{again.webhook()}
	check(u.ask("徳之島花子と申します", saysCompany))
	summary := check(u.ask("屋号はありません", saysSummary))
	if !summary.has("参加方法: オンライン") || !summary.has("お名前: 徳之島花子") {
		t.Errorf("summary:\n%swant online attendance and the name without its frame", summary)
	}
	done := check(u.ask("それで大丈夫です", saysRegistered))
	if !done.has(dxURL) {
		t.Errorf("confirmation:\n%swant the online URL", done)
	}
	check(u.ask("予約の確認をお願いします", saysMine))
	if err := again.stop(); err != nil {
		t.Errorf("SIGTERM: %v", err)
	}
	regs := exported(t, e)
	if len(regs) != 1 || regs[0]["name"] != "徳之島花子" || regs[0]["company"] != "" || regs[0]["attendance"] != "online" || regs[0]["status"] != "confirmed" {
		t.Errorf("exported registrations %v, want one confirmed online registration of 徳之島花子 with no company", regs)
	}
}
