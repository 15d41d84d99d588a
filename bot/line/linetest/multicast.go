package linetest

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// multicast serves POST /v2/bot/message/multicast. The spec already bounds "to" (1–500 user IDs) and
// "messages" (1–5) and makes X-Line-Retry-Key a UUID; the fake adds what only the reference says: every
// recipient is a user ID (no group or room), and a repeat of an accepted retry key is answered 409 and
// delivers nothing. Users the test blocked (Block) get nothing, and LINE says nothing about it either: a
// multicast answers 200 with an empty object.
func (s *Server) multicast(c *call) response {
	var req struct {
		To       []string          `json:"to"`
		Messages []json.RawMessage `json:"messages"`
	}
	json.Unmarshal(c.body, &req)
	var bad []detail
	for i, to := range req.To {
		if !s.known[to] && !userIDPattern.MatchString(to) {
			bad = append(bad, detail{Message: "not a user id (U and 32 hex digits) nor a user the test made known", Property: fmt.Sprintf("to[%d]", i)})
		}
	}
	if len(bad) > 0 {
		return reject(http.StatusBadRequest, "The property, 'to', in the request body is invalid (line: -, column: -)", bad...)
	}
	key := c.r.Header.Get("X-Line-Retry-Key")
	if a, ok := s.retryKeys[key]; ok && key != "" && s.now().Sub(a.at) < retryKeyTTL {
		return response{
			status: http.StatusConflict,
			header: http.Header{"X-Line-Accepted-Request-Id": {a.requestID}},
			body:   errorBody{Message: "The retry key is already accepted"},
		}
	}
	for _, to := range req.To {
		if !s.blocked[to] {
			s.deliver(to, "multicast", key, req.Messages)
		}
	}
	if key != "" {
		s.retryKeys[key] = acceptedPush{requestID: c.id, at: s.now()}
	}
	return ok(struct{}{})
}

// Block makes userID a user who blocked the account: a multicast skips them without saying so.
func (s *Server) Block(userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blocked[userID] = true
}
