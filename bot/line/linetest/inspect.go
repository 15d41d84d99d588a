package linetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// Request is one request the fake answered.
type Request struct {
	Method    string
	Path      string
	Operation string // operationId in LINE's spec, e.g. "pushMessage"; empty if the route is not in the spec
	Header    http.Header
	Body      []byte
	Status    int    // the status answered
	Response  []byte // the body answered

	template string // path as written in the spec, for Count
}

func (r Request) String() string {
	body := r.Body
	if len(body) > 2000 {
		body = append(body[:2000:2000], "…"...)
	}
	return fmt.Sprintf("%s %s answered %d %s\n\trequest body: %s", r.Method, r.Path, r.Status, bytes.TrimSpace(r.Response), body)
}

// Delivery is one message the fake accepted for a chat.
type Delivery struct {
	To           string          // the user (or group, room) the message went to
	Via          string          // "reply", "push" or "multicast"
	RetryKey     string          // X-Line-Retry-Key of the push, if any
	Type         string          // message type: "text", "flex", "template", …
	Text         string          // text of a text message
	AltText      string          // altText of a flex, template or imagemap message
	QuickReplies []string        // labels of the quick reply buttons, in order
	JSON         json.RawMessage // the message object as sent
}

// Messages returns the messages delivered to userID so far, in order.
func (s *Server) Messages(userID string) []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.deliveries[userID])
}

// WaitMessages waits until at least n messages have been delivered to userID and returns all delivered so
// far. After timeout it fails the test with what did arrive (and any rejections); call it from the test's
// goroutine.
func (s *Server) WaitMessages(t testing.TB, userID string, n int, timeout time.Duration) []Delivery {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		got, changed := slices.Clone(s.deliveries[userID]), s.changed
		rejections, invalid := slices.Clone(s.rejections), slices.Clone(s.invalidTokens)
		s.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-changed:
		case <-deadline.C:
			var b strings.Builder
			fmt.Fprintf(&b, "linetest: waited %v for %d message(s) to %s, got %d", timeout, n, userID, len(got))
			for _, d := range got {
				fmt.Fprintf(&b, "\n\t%s %s: %s", d.Via, d.Type, d.JSON)
			}
			for _, r := range rejections {
				fmt.Fprintf(&b, "\n\trejected: %s", r)
			}
			if len(invalid) > 0 {
				fmt.Fprintf(&b, "\n\tinvalid reply tokens: %q", invalid)
			}
			t.Fatal(b.String())
		}
	}
}

// Requests returns every request answered so far, in order of completion.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Count returns how many requests went to path (as sent or as written in the spec, as for FailNext).
func (s *Server) Count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.requests {
		if r.Path == path || r.template == path {
			n++
		}
	}
	return n
}

// TakeRejections returns the requests rejected for breaking the API's rules so far and forgets them, so
// they are not reported when the test ends.
func (s *Server) TakeRejections() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.rejections
	s.rejections = nil
	return r
}

// ExpectRejections turns off the report of rejected requests at the end of the test.
func (s *Server) ExpectRejections() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expectRejections = true
}

// InvalidReplyTokens returns the reply tokens refused as used, expired or unknown ("Invalid reply token"),
// in order. These are not rejections: the code under test is expected to fall back to a push.
func (s *Server) InvalidReplyTokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.invalidTokens)
}
