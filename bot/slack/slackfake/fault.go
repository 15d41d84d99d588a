package slackfake

import (
	"net/http"
	"net/url"
	"strconv"
)

// Fault is a failure to inject in place of the fake's real answer.
type Fault struct {
	// Status is the HTTP status answered (429, 500, 503…), with an HTML
	// body for a 5xx as Slack's edge sends.
	Status int
	// RetryAfter is the Retry-After header of a 429, in seconds (0: none).
	RetryAfter int
	// Drop closes the connection without an answer, as an unreachable or
	// crashing Slack would; Status is then ignored.
	Drop bool
	// Deliver makes the fake do the work first (post the message) and fail
	// only the answer: a response lost on its way back.
	Deliver bool
	// Error answers Slack's refusal {"ok":false,"error":Error} with HTTP 200
	// ("missing_scope", "not_in_channel"…); Status is then ignored.
	Error string
}

// RateLimited is Slack's 429 with Retry-After: seconds.
func RateLimited(seconds int) Fault {
	return Fault{Status: http.StatusTooManyRequests, RetryAfter: seconds}
}

// FailNext makes the next n valid calls of the method ("chat.postMessage")
// answer f. Calls refused for breaking the API's rules are not counted.
func (s *Server) FailNext(method string, n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults[method] = append(s.faults[method], f)
	}
}

// Down makes every call answer f until Up: Slack in an outage.
func (s *Server) Down(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = &f
}

// Up ends an outage started with Down.
func (s *Server) Up() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = nil
}

// takeFault pops the next fault queued for the method, or the outage's.
// s.mu is held.
func (s *Server) takeFault(method string) (Fault, bool) {
	if s.down != nil {
		return *s.down, true
	}
	if q := s.faults[method]; len(q) > 0 {
		s.faults[method] = q[1:]
		return q[0], true
	}
	return Fault{}, false
}

// answer answers a call with the fault, after serving it if f.Deliver.
// s.mu is held.
func (f Fault) answer(s *Server, args url.Values, m method) reply {
	if f.Deliver {
		if rep := m(s, args); rep.rejected {
			return rep // a broken request stays a refusal
		}
	}
	if f.Drop {
		return reply{drop: true}
	}
	if f.Error != "" {
		return refused(f.Error)
	}
	rep := reply{status: f.Status, header: http.Header{}}
	if f.Status == http.StatusTooManyRequests {
		rep.body = map[string]any{"ok": false, "error": "ratelimited"}
		if f.RetryAfter > 0 {
			rep.header.Set("Retry-After", strconv.Itoa(f.RetryAfter))
		}
		return rep
	}
	rep.header.Set("Content-Type", "text/html")
	rep.body = []byte("<html><body>" + http.StatusText(f.Status) + "</body></html>")
	return rep
}
