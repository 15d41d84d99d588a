package slackfake

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// Message is a message in a channel as it stands (after any chat.update).
type Message struct {
	Channel  string
	TS       string
	ThreadTS string // the thread it was posted in, if any
	User     string // the person who posted it (Server.Post); empty: the app
	Text     string
	Blocks   json.RawMessage // as posted
	Metadata *Metadata
	Edits    int // how many times chat.update changed it
}

// Metadata is a message's metadata.
type Metadata struct {
	EventType    string         `json:"event_type"`
	EventPayload map[string]any `json:"event_payload"`
}

// json is the message as conversations.history and chat.postMessage show it.
func (m *Message) json(withMeta bool, botUser string) map[string]any {
	out := map[string]any{"type": "message", "ts": m.TS, "text": m.Text, "user": botUser, "bot_id": "B0AMAMIBOT", "app_id": "A0AMAMI"}
	if m.User != "" {
		out = map[string]any{"type": "message", "ts": m.TS, "text": m.Text, "user": m.User}
	}
	if m.ThreadTS != "" {
		out["thread_ts"] = m.ThreadTS
	}
	if len(m.Blocks) > 0 {
		out["blocks"] = m.Blocks
	}
	if withMeta && m.Metadata != nil {
		out["metadata"] = m.Metadata
	}
	return out
}

// Button is a button of a message's blocks.
type Button struct {
	ActionID, Value, Text, Style, BlockID string
}

// Buttons returns the message's buttons, in order.
func (m Message) Buttons() []Button {
	var blocks []struct {
		Type     string `json:"type"`
		BlockID  string `json:"block_id"`
		Elements []struct {
			Type     string `json:"type"`
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
			Style    string `json:"style"`
			Text     struct {
				Text string `json:"text"`
			} `json:"text"`
		} `json:"elements"`
	}
	json.Unmarshal(m.Blocks, &blocks)
	var out []Button
	for _, b := range blocks {
		if b.Type != "actions" {
			continue
		}
		for _, e := range b.Elements {
			if e.Type == "button" {
				out = append(out, Button{ActionID: e.ActionID, Value: e.Value, Text: e.Text.Text, Style: e.Style, BlockID: b.BlockID})
			}
		}
	}
	return out
}

// Shown is every text of the message's blocks (or its text when it has no
// blocks), one a line, as a person would read it.
func (m Message) Shown() string {
	if len(m.Blocks) == 0 {
		return m.Text
	}
	var v any
	json.Unmarshal(m.Blocks, &v)
	var lines []string
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if t, ok := v["text"].(string); ok {
				lines = append(lines, t)
			}
			for _, k := range []string{"text", "fields", "elements"} {
				if c, ok := v[k]; ok {
					walk(c)
				}
			}
		case []any:
			for _, c := range v {
				walk(c)
			}
		}
	}
	walk(v)
	return strings.Join(lines, "\n")
}

// Ephemeral is a message posted with chat.postEphemeral.
type Ephemeral struct {
	Channel, User, Text string
	Blocks              json.RawMessage
}

// Messages returns the channel's messages, oldest first, as they stand.
func (s *Server) Messages(channel string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, len(s.messages[channel]))
	for i, m := range s.messages[channel] {
		out[i] = *m
	}
	return out
}

// WaitMessages waits until the channel has at least n messages and returns
// them. After timeout it fails the test with what did arrive (and any
// refusals); call it from the test's goroutine.
func (s *Server) WaitMessages(t testing.TB, channel string, n int, timeout time.Duration) []Message {
	t.Helper()
	return wait(s, t, timeout, fmt.Sprintf("%d message(s) in %s", n, channel), func() ([]Message, bool) {
		msgs := s.Messages(channel)
		return msgs, len(msgs) >= n
	})
}

// WaitFor waits until the channel has a message for which match is true and
// returns it; after timeout it fails the test.
func (s *Server) WaitFor(t testing.TB, channel, what string, timeout time.Duration, match func(Message) bool) Message {
	t.Helper()
	got := wait(s, t, timeout, what, func() ([]Message, bool) {
		for _, m := range s.Messages(channel) {
			if match(m) {
				return []Message{m}, true
			}
		}
		return nil, false
	})
	return got[0]
}

// wait polls done on every change until it reports true, or fails the test.
func wait[T any](s *Server, t testing.TB, timeout time.Duration, what string, done func() ([]T, bool)) []T {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		changed := s.changed
		s.mu.Unlock()
		if got, ok := done(); ok {
			return got
		}
		select {
		case <-changed:
		case <-deadline.C:
			var b strings.Builder
			fmt.Fprintf(&b, "slackfake: waited %v for %s", timeout, what)
			for _, c := range s.Calls() {
				fmt.Fprintf(&b, "\n\t%s", c)
			}
			t.Fatal(b.String())
		}
	}
}

// Ephemerals returns the messages posted with chat.postEphemeral, in order.
func (s *Server) Ephemerals() []Ephemeral {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.ephemerals)
}

// Calls returns every call answered so far, in order of completion.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// Count returns how many calls of the method were answered ("response_url"
// counts posts to response URLs).
func (s *Server) Count(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.calls {
		if c.Method == method {
			n++
		}
	}
	return n
}

// TakeRejections returns the calls refused for breaking the API's rules so
// far and forgets them, so they are not reported when the test ends.
func (s *Server) TakeRejections() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.rejections
	s.rejections = nil
	return r
}

// ExpectRejections turns off the report of refused calls at the end of the test.
func (s *Server) ExpectRejections() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expectRejections = true
}

// DeleteMessage deletes a message, as a person in the channel could.
func (s *Server) DeleteMessage(channel, ts string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages[channel] = slices.DeleteFunc(s.messages[channel], func(m *Message) bool { return m.TS == ts })
	s.notify()
}
