package slackfake

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Socket Mode: apps.connections.open hands out a WebSocket URL; on the
// WebSocket the fake says hello, pings, sends the envelopes a test gives it
// and records the acknowledgements.

// pingEvery is how often the fake pings a Socket Mode client, well inside
// the client's 30-second dead-man timer.
const pingEvery = 2 * time.Second

type socket struct {
	s        *Server
	upgrader websocket.Upgrader

	mu      sync.Mutex
	conn    *websocket.Conn // the current connection, if any
	writeMu sync.Mutex      // one writer at a time on conn
	tickets map[string]bool
	acks    map[string]json.RawMessage // envelope ID → payload acknowledged with
	done    chan struct{}
}

func newSocket(s *Server) *socket {
	// Slack's client sends Origin: https://api.slack.com, not the fake's.
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	return &socket{s: s, upgrader: up, tickets: map[string]bool{}, acks: map[string]json.RawMessage{}, done: make(chan struct{})}
}

// openConnection answers apps.connections.open; s.mu is held.
func (s *Server) openConnection(url.Values) reply {
	ticket := rand.Text()
	s.socket.mu.Lock()
	s.socket.tickets[ticket] = true
	s.socket.mu.Unlock()
	return ok(map[string]any{"url": "ws" + strings.TrimPrefix(s.URL, "http") + "/socket?ticket=" + ticket})
}

func (k *socket) serve(w http.ResponseWriter, r *http.Request) {
	k.mu.Lock()
	valid := k.tickets[r.URL.Query().Get("ticket")]
	delete(k.tickets, r.URL.Query().Get("ticket"))
	k.mu.Unlock()
	if !valid {
		http.Error(w, "invalid ticket", http.StatusUnauthorized)
		return
	}
	conn, err := k.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer conn.Close()
	k.mu.Lock()
	k.conn = conn
	k.mu.Unlock()
	k.write(conn, map[string]any{
		"type": "hello", "num_connections": 1,
		"connection_info": map[string]any{"app_id": "A0AMAMI"},
		"debug_info":      map[string]any{"host": "slackfake", "approximate_connection_time": 3600},
	})
	k.s.mu.Lock()
	k.s.notify()
	k.s.mu.Unlock()

	go func() {
		t := time.NewTicker(pingEvery)
		defer t.Stop()
		for {
			select {
			case <-k.done:
				return
			case <-t.C:
				if conn.WriteControl(websocket.PingMessage, []byte("ping"), time.Now().Add(time.Second)) != nil {
					return
				}
			}
		}
	}()
	for {
		var ack struct {
			EnvelopeID string          `json:"envelope_id"`
			Payload    json.RawMessage `json:"payload"`
		}
		if err := conn.ReadJSON(&ack); err != nil {
			return
		}
		k.mu.Lock()
		k.acks[ack.EnvelopeID] = ack.Payload
		k.mu.Unlock()
		k.s.mu.Lock()
		k.s.notify()
		k.s.mu.Unlock()
	}
}

func (k *socket) write(conn *websocket.Conn, v any) error {
	k.writeMu.Lock()
	defer k.writeMu.Unlock()
	return conn.WriteJSON(v)
}

func (k *socket) close() {
	k.mu.Lock()
	defer k.mu.Unlock()
	select {
	case <-k.done:
	default:
		close(k.done)
	}
	if k.conn != nil {
		k.conn.Close()
	}
}

// SocketSend waits (up to timeout) for a Socket Mode client to connect,
// sends it an envelope of the type ("interactive", "slash_commands") with
// the payload, and returns the envelope's ID.
func (s *Server) SocketSend(t testing.TB, typ string, payload any, timeout time.Duration) string {
	t.Helper()
	conns := wait(s, t, timeout, "a Socket Mode connection", func() ([]*websocket.Conn, bool) {
		s.socket.mu.Lock()
		defer s.socket.mu.Unlock()
		return []*websocket.Conn{s.socket.conn}, s.socket.conn != nil
	})
	raw, err := json.Marshal(payload)
	if err != nil {
		t.Fatalf("slackfake: %v", err)
	}
	id := rand.Text()
	if err := s.socket.write(conns[0], map[string]any{
		"envelope_id":              id,
		"type":                     typ,
		"payload":                  json.RawMessage(raw),
		"accepts_response_payload": typ == "slash_commands",
		"retry_attempt":            0,
	}); err != nil {
		t.Fatalf("slackfake: sending a Socket Mode envelope: %v", err)
	}
	return id
}

// WaitAck waits for the acknowledgement of an envelope and returns the
// payload it carried (null when none); after timeout it fails the test.
func (s *Server) WaitAck(t testing.TB, envelopeID string, timeout time.Duration) json.RawMessage {
	t.Helper()
	got := wait(s, t, timeout, fmt.Sprintf("the acknowledgement of envelope %s", envelopeID), func() ([]json.RawMessage, bool) {
		s.socket.mu.Lock()
		defer s.socket.mu.Unlock()
		p, ok := s.socket.acks[envelopeID]
		return []json.RawMessage{p}, ok
	})
	return got[0]
}
