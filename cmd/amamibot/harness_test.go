package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/amamibot/amamibot/bot/line/linetest"
)

// This file is the end-to-end tests' harness: amamibot servers started
// in-process through run, as main would start them, and LINE users who talk
// to them through signed webhooks and read the answers at a strict fake of
// the LINE API.

const (
	// testSecret is the channel secret the servers verify webhooks with.
	testSecret = "e2e-channel-secret-0123456789abcdef"
	// answerWait bounds how long a user waits for the bot's answer. It only
	// turns a hang into a failure: nothing asserts how fast answers come.
	answerWait = 60 * time.Second
	// stopWait bounds how long a server may take to stop, for the same reason.
	stopWait = 60 * time.Second
)

// env is a process environment for run.
type env map[string]string

func (e env) getenv(key string) string { return e[key] }

// with returns a copy of e with the pairs given (key, value, key, value…).
func (e env) with(kv ...string) env {
	out := maps.Clone(e)
	if out == nil {
		out = env{}
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// lineEnv is the environment of a server that talks to the fake LINE.
func lineEnv(fake *linetest.Server) env {
	return env{
		"LINE_CHANNEL_SECRET":       testSecret,
		"LINE_CHANNEL_ACCESS_TOKEN": fake.Token,
		"LINE_API_BASE_URL":         fake.URL,
	}
}

// logBuffer collects a server's log and lets a test wait for a line.
type logBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{} // closed and replaced on every write
}

func newLogBuffer() *logBuffer { return &logBuffer{changed: make(chan struct{})} }

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	close(l.changed)
	l.changed = make(chan struct{})
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// waitFor waits until the log has a line containing substr.
func (l *logBuffer) waitFor(substr string, timeout time.Duration) error {
	deadline := time.After(timeout)
	for {
		l.mu.Lock()
		found, changed := strings.Contains(l.buf.String(), substr), l.changed
		l.mu.Unlock()
		if found {
			return nil
		}
		select {
		case <-changed:
		case <-deadline:
			return fmt.Errorf("no log line with %q after %v", substr, timeout)
		}
	}
}

// lines returns the log lines at the level given ("ERROR", "WARN"…).
func (l *logBuffer) lines(level string) []string {
	var out []string
	for _, line := range strings.Split(l.String(), "\n") {
		if strings.Contains(line, " level="+level+" ") {
			out = append(out, line)
		}
	}
	return out
}

// server is one `amamibot serve` running in-process.
type server struct {
	name    string
	url     string // http://127.0.0.1:port
	log     *logBuffer
	cancel  context.CancelFunc // SIGTERM
	done    chan error
	stopped sync.Once
	err     error
}

// startServer runs `amamibot serve args…` on a free loopback port with env
// and waits until it is ready. The test's cleanup stops it if the test did
// not, so cleanups registered earlier (the fake LINE, the database) outlive
// it.
func startServer(t *testing.T, name string, e env, args ...string) *server {
	t.Helper()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{name: name, url: "http://" + addr, log: newLogBuffer(), cancel: cancel, done: make(chan error, 1)}
	e = e.with("ADDR", addr)
	go func() {
		s.done <- run(ctx, append([]string{"serve"}, args...), e.getenv, strings.NewReader(""), io.Discard, s.log)
	}()
	t.Cleanup(func() {
		if err := s.stop(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if t.Failed() {
			t.Logf("log of %s, warnings and errors:\n%s\nlast lines:\n%s", name,
				strings.Join(append(s.log.lines("WARN"), s.log.lines("ERROR")...), "\n"), tail(s.log.String(), 30))
		}
	})
	if err := s.waitReady(); err != nil {
		t.Fatalf("%s: %v\nlog:\n%s", name, err, s.log.String())
	}
	return s
}

// freeAddr returns a loopback address with a port nobody listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitReady polls /readyz until it answers 200, or run returns.
func (s *server) waitReady() error {
	deadline := time.Now().Add(answerWait)
	for time.Now().Before(deadline) {
		select {
		case err := <-s.done:
			s.done <- err // for stop
			return fmt.Errorf("run returned before the server was ready: %v", err)
		default:
		}
		res, err := http.Get(s.url + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("not ready after %v", answerWait)
}

// stop sends the server "SIGTERM" (cancels run's context) and returns what
// run returned. Calling it again returns the same.
func (s *server) stop() error {
	s.stopped.Do(func() {
		s.cancel()
		select {
		case s.err = <-s.done:
		case <-time.After(stopWait):
			s.err = fmt.Errorf("run did not return within %v of the signal", stopWait)
		}
	})
	return s.err
}

func (s *server) webhook() string { return s.url + "/line/webhook" }

// client posts the webhooks; it keeps connections for a hundred users.
var client = &http.Client{
	Timeout:   30 * time.Second,
	Transport: &http.Transport{MaxIdleConns: 200, MaxIdleConnsPerHost: 200, IdleConnTimeout: 30 * time.Second},
}

// postWebhook sends LINE's signed webhook request with events and returns
// the status answered.
func postWebhook(ctx context.Context, url string, events ...linetest.Event) (int, error) {
	body := linetest.Body(linetest.Destination, events...)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("X-Line-Signature", linetest.SignedWebhook(testSecret, body))
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

// newUserID returns a fresh LINE user ID.
func newUserID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return "U" + hex.EncodeToString(b)
}

// user is one person chatting with the bot. Its messages go to the servers
// in turn (the first to hooks[0], the next to hooks[1]…), as a load
// balancer in front of replicas would spread them. Its methods return errors
// instead of failing the test, so that many users can talk at once.
type user struct {
	id    string
	fake  *linetest.Server
	hooks []string
	sent  int
	ctx   context.Context
}

func newUser(ctx context.Context, fake *linetest.Server, hooks ...string) *user {
	return &user{id: newUserID(), fake: fake, hooks: hooks, ctx: ctx}
}

// answer is what the bot said in one turn: the messages of one reply (or
// push), in order.
type answer []linetest.Delivery

// text is the answer's first text.
func (a answer) text() string {
	for _, d := range a {
		if d.Text != "" {
			return d.Text
		}
	}
	return ""
}

// buttons are the quick replies offered with the answer.
func (a answer) buttons() []string {
	if len(a) == 0 {
		return nil
	}
	return a[len(a)-1].QuickReplies
}

// postback returns the data of the first button labelled label, among the
// answer's quick replies and the buttons of its cards.
func (a answer) postback(label string) (string, bool) {
	for _, d := range a {
		var v any
		if json.Unmarshal(d.JSON, &v) != nil {
			continue
		}
		if data, ok := findPostback(v, label); ok {
			return data, true
		}
	}
	return "", false
}

// findPostback walks a message's JSON (quick replies, card buttons) for a
// postback action labelled label. Labels are unique within one answer.
func findPostback(v any, label string) (string, bool) {
	switch v := v.(type) {
	case map[string]any:
		if v["type"] == "postback" && v["label"] == label {
			data, ok := v["data"].(string)
			return data, ok
		}
		for _, e := range v {
			if data, ok := findPostback(e, label); ok {
				return data, true
			}
		}
	case []any:
		for _, e := range v {
			if data, ok := findPostback(e, label); ok {
				return data, true
			}
		}
	}
	return "", false
}

// has reports whether the answer shows s: in a text, or in a card.
func (a answer) has(s string) bool {
	for _, d := range a {
		var v any
		if strings.Contains(d.Text, s) || json.Unmarshal(d.JSON, &v) == nil && showsText(v, s) {
			return true
		}
	}
	return false
}

// showsText walks a message's JSON for a text containing s.
func showsText(v any, s string) bool {
	switch v := v.(type) {
	case map[string]any:
		if text, ok := v["text"].(string); ok && strings.Contains(text, s) {
			return true
		}
		for _, e := range v {
			if showsText(e, s) {
				return true
			}
		}
	case []any:
		for _, e := range v {
			if showsText(e, s) {
				return true
			}
		}
	}
	return false
}

func (a answer) String() string {
	var b strings.Builder
	for _, d := range a {
		fmt.Fprintf(&b, "  %s %s: %s%s [%s]\n", d.Via, d.Type, d.Text, d.AltText, strings.Join(d.QuickReplies, "|"))
	}
	return b.String()
}

// say sends a text message and waits for the bot's answer.
func (u *user) say(text string) (answer, error) {
	return u.send(u.fake.TextEvent(u.id, text))
}

// tap taps the button labelled label in the bot's answer a, as LINE sends
// it: a postback event with the button's data.
func (u *user) tap(a answer, label string) (answer, error) {
	data, ok := a.postback(label)
	if !ok {
		return nil, fmt.Errorf("user %s: no button %q in the answer:\n%s", u.id, label, a)
	}
	return u.send(u.fake.PostbackEvent(u.id, data))
}

// follow adds the bot as a friend and waits for the greeting.
func (u *user) follow() (answer, error) { return u.send(u.fake.FollowEvent(u.id)) }

// send posts one event to the next server in turn and waits for the answer.
func (u *user) send(ev linetest.Event) (answer, error) {
	before := len(u.fake.Messages(u.id))
	if err := u.post(ev); err != nil {
		return nil, err
	}
	return u.waitAnswer(before)
}

// post posts one event to the next server in turn; anything but 200 is an
// error.
func (u *user) post(ev linetest.Event) error {
	hook := u.hooks[u.sent%len(u.hooks)]
	u.sent++
	status, err := postWebhook(u.ctx, hook, ev)
	if err != nil {
		return fmt.Errorf("user %s: webhook %s: %v", u.id, hook, err)
	}
	if status != http.StatusOK {
		return fmt.Errorf("user %s: webhook %s answered %d", u.id, hook, status)
	}
	return nil
}

// waitAnswer waits until the bot has sent the user more than before
// messages and returns the new ones.
func (u *user) waitAnswer(before int) (answer, error) {
	deadline := time.Now().Add(answerWait)
	for pause := time.Millisecond; ; pause = min(2*pause, 20*time.Millisecond) {
		if got := u.fake.Messages(u.id); len(got) > before {
			return answer(got[before:]), nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("user %s: no answer within %v; rejections: %v", u.id, answerWait, u.fake.TakeRejections())
		}
		time.Sleep(pause)
	}
}

// ask says text and checks that the answer starts with want.
func (u *user) ask(text, want string) (answer, error) {
	a, err := u.say(text)
	return expect(a, err, want)
}

// choose taps the button labelled label in a and checks that the answer
// starts with want.
func (u *user) choose(a answer, label, want string) (answer, error) {
	a, err := u.tap(a, label)
	return expect(a, err, want)
}

// expect checks that the answer's text starts with want.
func expect(a answer, err error, want string) (answer, error) {
	if err != nil {
		return a, err
	}
	if !strings.HasPrefix(a.text(), want) {
		return a, fmt.Errorf("the bot answered:\n%swant a text starting %q", a, want)
	}
	return a, nil
}

// checker returns a function that fails the test at once on an error, for
// users talking one at a time: check := checker(t); a := check(u.ask(…)).
func checker(t *testing.T) func(answer, error) answer {
	return func(a answer, err error) answer {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
}

// writeSeminarsCSV writes a seminars CSV (docs/ARCHITECTURE.md §6) and returns its path.
func writeSeminarsCSV(t *testing.T, rows ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "seminars.csv")
	text := "id,title,starts_at,ends_at,venue,online_url,capacity\n" + strings.Join(rows, "\n") + "\n"
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// seminarRow is a CSV row for a seminar days from now at 15:00 in Tokyo,
// for 90 minutes.
func seminarRow(id, title string, days int, venue, onlineURL string, capacity int) string {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	d := time.Now().In(tokyo).AddDate(0, 0, days)
	starts := time.Date(d.Year(), d.Month(), d.Day(), 15, 0, 0, 0, tokyo)
	capText := ""
	if capacity > 0 {
		capText = fmt.Sprint(capacity)
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write([]string{id, title, starts.Format(time.RFC3339), starts.Add(90 * time.Minute).Format(time.RFC3339), venue, onlineURL, capText})
	w.Flush()
	return strings.TrimSuffix(b.String(), "\n")
}

// amamibot runs a one-shot command and returns its stdout and stderr.
func amamibot(t *testing.T, e env, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(t.Context(), args, e.getenv, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), err
}

// registration is one row of `amamibot export registrations`.
type registration map[string]string

// exported runs `amamibot export registrations` and parses it.
func exported(t *testing.T, e env) []registration {
	t.Helper()
	out, stderr, err := amamibot(t, e, "export", "registrations")
	if err != nil {
		t.Fatalf("export registrations: %v\n%s", err, stderr)
	}
	records, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(records) == 0 {
		t.Fatalf("export registrations wrote no CSV (%v):\n%s", err, out)
	}
	var regs []registration
	for _, rec := range records[1:] {
		r := registration{}
		for i, col := range records[0] {
			r[col] = rec[i]
		}
		regs = append(regs, r)
	}
	return regs
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("… %d lines before", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}
