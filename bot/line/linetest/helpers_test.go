package linetest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
)

const alice = "Ualice" // a user the tests make known, as tests of the project do with readable ids

func newClient(t *testing.T, srv *Server) *messaging_api.MessagingApiAPI {
	t.Helper()
	bot, err := messaging_api.NewMessagingApiAPI(srv.Token, messaging_api.WithEndpoint(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	return bot
}

// post sends a raw JSON request, for what the SDK would not send.
func post(t *testing.T, srv *Server, path, token, body string, header ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func text(s string) messaging_api.MessageInterface { return &messaging_api.TextMessage{Text: s} }

// clock is a settable clock for WithClock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// fakeT records what a Server reports to its test, to test the reports themselves. What it does not
// record goes to the real test it wraps.
type fakeT struct {
	testing.TB // the real test
	mu         sync.Mutex
	errors     []string
	cleanups   []func()
}

func (f *fakeT) Helper() {}

func (f *fakeT) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }

func (f *fakeT) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}

func (f *fakeT) Fatal(args ...any) {
	f.Errorf("%s", fmt.Sprint(args...))
	runtime.Goexit()
}

func (f *fakeT) Fatalf(format string, args ...any) {
	f.Errorf(format, args...)
	runtime.Goexit()
}

// finish runs the cleanups, as the end of a test does, and returns the errors reported.
func (f *fakeT) finish() []string {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.errors
}

func repeat(s string, n int) string { return strings.Repeat(s, n) }

func bodyOf(t *testing.T, r *http.Response) string {
	t.Helper()
	if r == nil {
		t.Fatal("no response")
	}
	b, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(b))
	return string(b)
}
