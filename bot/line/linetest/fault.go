package linetest

import (
	"encoding/json"
	"net/http"
)

// Fault is a failure to inject: the fake answers Status, Header and Body instead of its real answer.
type Fault struct {
	Status int
	Header http.Header
	Body   string // default: {"message": "<status text>"}
	// Deliver makes the fake do the work first (deliver the messages, spend the reply token, remember the
	// retry key) and fail only the answer: a response lost on its way back.
	Deliver bool
}

// FailNext makes the next n valid requests to path answer f. path is the URL path as sent
// ("/v2/bot/message/push") or as written in the spec ("/v2/bot/profile/{userId}"). Requests that break
// the API's rules are rejected as usual and leave the faults in place.
func (s *Server) FailNext(path string, n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults[path] = append(s.faults[path], f)
	}
}

// takeFault pops the next fault queued for the call's path. s.mu is held.
func (s *Server) takeFault(c *call) (Fault, bool) {
	for _, key := range []string{c.r.URL.Path, c.path} {
		if q := s.faults[key]; len(q) > 0 {
			s.faults[key] = q[1:]
			return q[0], true
		}
	}
	return Fault{}, false
}

// answer answers a call with the fault, after serving it if f.Deliver. s.mu is held.
func (f Fault) answer(s *Server, c *call, h handler) response {
	if f.Deliver {
		if resp := h(s, c); resp.rejected {
			return resp // a broken request stays a rejection
		}
	}
	body := f.Body
	if body == "" {
		msg, _ := json.Marshal(errorBody{Message: http.StatusText(f.Status)})
		body = string(msg)
	}
	return response{status: f.Status, header: f.Header, body: []byte(body)}
}
