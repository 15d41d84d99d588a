package console

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/amamibot/amamibot/store"
)

// newConsole returns a console delivering to app, and a server for its page.
func newConsole(t *testing.T, app http.Handler, opts Options) (*Console, *httptest.Server) {
	t.Helper()
	opts.App = app
	opts.Logger = discard
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	page := httptest.NewServer(c.Handler())
	t.Cleanup(func() {
		page.Close()
		if err := c.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return c, page
}

// call sends a request of the page and decodes the answer into out, if
// not nil, and returns the status.
func call(t *testing.T, page *httptest.Server, method, path string, body, out any) int {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, page.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := page.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if out != nil && res.StatusCode/100 == 2 {
		if err := json.NewDecoder(res.Body).Decode(out); err != nil {
			t.Fatalf("%s %s: decode: %v", method, path, err)
		}
	}
	return res.StatusCode
}

// pageState is what GET /console/api/state answers.
type pageState struct {
	Version int64 `json:"version"`
	Users   []struct {
		ID string `json:"id"`
	} `json:"users"`
	Chat *struct {
		Messages []struct {
			From    string          `json:"from"`
			Text    string          `json:"text"`
			Via     string          `json:"via"`
			Message json.RawMessage `json:"message"`
		} `json:"messages"`
	} `json:"chat"`
	Staff []struct {
		TS        string          `json:"ts"`
		Text      string          `json:"text"`
		Blocks    json.RawMessage `json:"blocks"`
		Edited    bool            `json:"edited"`
		Ephemeral bool            `json:"ephemeral"`
		Command   string          `json:"command"`
	} `json:"staff"`
}

func getState(t *testing.T, page *httptest.Server, user string) pageState {
	t.Helper()
	var s pageState
	if status := call(t, page, "GET", "/console/api/state?user="+user, nil, &s); status != http.StatusOK {
		t.Fatalf("state: status %d", status)
	}
	return s
}

// inbox records the events the LINE webhook accepts.
type inbox struct {
	mu     sync.Mutex
	events []store.Event
}

func (i *inbox) RecordEvents(_ context.Context, events []store.Event) (int, error) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.events = append(i.events, events...)
	return len(events), nil
}

func (i *inbox) last(t *testing.T) store.Event {
	t.Helper()
	i.mu.Lock()
	defer i.mu.Unlock()
	if len(i.events) == 0 {
		t.Fatal("the webhook recorded no event")
	}
	return i.events[len(i.events)-1]
}

func (i *inbox) NextEvent(context.Context, string) (store.Event, bool, error) {
	return store.Event{}, false, nil
}

func (i *inbox) NextEvents(context.Context, string, int) ([]store.Event, error) { return nil, nil }

func (i *inbox) MarkHandled(context.Context, string, time.Time, []byte) error { return nil }

func (i *inbox) LockUser(context.Context, string) (func(), error) { return func() {}, nil }
