// Package linetest provides a strict fake of the LINE Messaging API for tests, in the spirit of
// net/http/httptest: point the official SDK at Server.URL and inspect what was sent.
//
// Strict means it checks what the real API checks, so a bug in the code under test fails the test: every
// request is validated against LINE's own OpenAPI spec (messaging-api.yml, from $LINE_OPENAPI_SPEC or
// ../shared/specs/line next to the module root) and against the documented limits the spec does not encode.
// A request LINE would reject gets LINE's error answer and is reported with t.Errorf when the test ends,
// so a 400 swallowed by the code under test still fails it; a test that provokes rejections on purpose
// takes them with TakeRejections or calls ExpectRejections.
//
//	srv := linetest.NewServer(t)
//	bot, _ := messaging_api.NewMessagingApiAPI(srv.Token, messaging_api.WithEndpoint(srv.URL))
//	ev := srv.TextEvent(user, "メニュー")  // carries a reply token issued by srv
//	// … post linetest.Body(linetest.Destination, ev) to the webhook handler under test …
//	got := srv.WaitMessages(t, user, 1, 5*time.Second)
package linetest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/routers"
	"github.com/google/uuid"
)

// DefaultToken is the channel access token a Server accepts unless WithToken says otherwise.
const DefaultToken = "test-channel-token"

// maxBody caps a request body; the largest legitimate one is a 1 MB rich menu image.
const maxBody = 4 << 20

// Server is a fake LINE Messaging API (api.line.me and api-data.line.me on one loopback host).
// Its methods are safe for concurrent use.
type Server struct {
	URL   string // base URL, for messaging_api.WithEndpoint and WithBlobEndpoint
	Token string // the channel access token it accepts as "Authorization: Bearer <Token>"

	t        testing.TB
	http     *httptest.Server
	spec     *spec
	now      func() time.Time
	replyTTL time.Duration

	mu               sync.Mutex
	changed          chan struct{} // closed and replaced on every delivery, to wake WaitMessages
	seq              int64
	deliveries       map[string][]Delivery
	requests         []Request
	rejections       []Request
	expectRejections bool
	invalidTokens    []string
	replyTokens      map[string]replyToken
	retryKeys        map[string]acceptedPush
	profiles         map[string]string
	known            map[string]bool
	faults           map[string][]Fault
	richMenus        []*RichMenu
	defaultRichMenu  string
}

// Option configures a Server.
type Option func(*Server)

// WithToken sets the channel access token the server accepts.
func WithToken(token string) Option { return func(s *Server) { s.Token = token } }

// WithClock sets the clock that ages reply tokens, retry keys and event timestamps. It is called from the
// server's goroutines, so it must be safe for concurrent use.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithReplyTokenTTL sets how long a reply token stays valid (LINE: about a minute; the default).
func WithReplyTokenTTL(d time.Duration) Option { return func(s *Server) { s.replyTTL = d } }

// NewServer starts a fake on a loopback port and closes it when the test ends, reporting then every request
// LINE would have rejected unless the test took or expected them. It fails the test at once if LINE's
// OpenAPI spec cannot be found or read.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	sp, err := messagingSpec()
	if err != nil {
		t.Fatalf("%v", err)
	}
	s := &Server{
		Token:       DefaultToken,
		t:           t,
		spec:        sp,
		now:         time.Now,
		replyTTL:    time.Minute,
		changed:     make(chan struct{}),
		deliveries:  map[string][]Delivery{},
		replyTokens: map[string]replyToken{},
		retryKeys:   map[string]acceptedPush{},
		profiles:    map[string]string{},
		known:       map[string]bool{},
		faults:      map[string][]Fault{},
	}
	for _, opt := range opts {
		opt(s)
	}
	s.http = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.http.URL
	t.Cleanup(s.close)
	return s
}

func (s *Server) close() {
	s.http.Close() // waits for requests in flight, so none is recorded after the check below
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.expectRejections {
		return
	}
	for _, r := range s.rejections {
		s.t.Errorf("linetest: LINE would reject this request (TakeRejections if the test means it):\n%s", r)
	}
}

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
	Via          string          // "reply" or "push"
	RetryKey     string          // X-Line-Retry-Key of the push, if any
	Type         string          // message type: "text", "flex", "template", …
	Text         string          // text of a text message
	AltText      string          // altText of a flex, template or imagemap message
	QuickReplies []string        // labels of the quick reply buttons, in order
	JSON         json.RawMessage // the message object as sent
}

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

// SetProfile makes GET /v2/bot/profile/{userID} answer displayName, and makes userID a known user.
func (s *Server) SetProfile(userID, displayName string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.profiles[userID] = displayName
	s.known[userID] = true
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

// call is one request on its way through the fake.
type call struct {
	id     string // X-Line-Request-Id of the answer
	r      *http.Request
	body   []byte
	op     string            // operationId in the spec
	path   string            // path template in the spec
	params map[string]string // path parameters
}

// response is the fake's answer; body is sent as is if []byte, as {} if nil, else encoded as JSON.
type response struct {
	status   int
	header   http.Header
	body     any
	rejected bool // the request broke the API's rules: a bug in the caller
}

// errorBody is LINE's error answer.
type errorBody struct {
	Message      string        `json:"message"`
	Details      []detail      `json:"details,omitempty"`
	SentMessages []sentMessage `json:"sentMessages,omitempty"`
}

type detail struct {
	Message  string `json:"message"`
	Property string `json:"property,omitempty"`
}

func reject(status int, message string, details ...detail) response {
	return response{status: status, body: errorBody{Message: message, Details: details}, rejected: true}
}

func ok(body any) response { return response{status: http.StatusOK, body: body} }

// handlers serve the operations the project uses; the rest of the spec answers 501.
var handlers = map[string]func(*Server, *call) response{
	"replyMessage":         (*Server).reply,
	"pushMessage":          (*Server).push,
	"showLoadingAnimation": (*Server).showLoading,
	"getProfile":           (*Server).profile,
	"createRichMenu":       (*Server).createRichMenu,
	"setRichMenuImage":     (*Server).setRichMenuImage,
	"setDefaultRichMenu":   (*Server).setDefaultRichMenu,
	"getDefaultRichMenuId": (*Server).getDefaultRichMenu,
	"getRichMenuList":      (*Server).listRichMenus,
	"deleteRichMenu":       (*Server).deleteRichMenu,
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	c := &call{id: uuid.NewString(), r: r}
	var resp response
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		resp = reject(http.StatusRequestEntityTooLarge, fmt.Sprintf("linetest: reading the request body: %v", err))
	} else {
		c.body = body
		resp = s.handle(c)
	}

	var out []byte
	switch b := resp.body.(type) {
	case nil:
		out = []byte("{}")
	case []byte:
		out = b
	default:
		if out, err = json.Marshal(b); err != nil {
			panic(fmt.Sprintf("linetest: encoding the answer to %s %s: %v", r.Method, r.URL.Path, err))
		}
	}
	h := w.Header()
	for k, v := range resp.header {
		h[k] = v
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json")
	}
	h.Set("X-Line-Request-Id", c.id)
	w.WriteHeader(resp.status)
	w.Write(out)

	rec := Request{
		Method: r.Method, Path: r.URL.Path, Operation: c.op, Header: r.Header.Clone(),
		Body: c.body, Status: resp.status, Response: out, template: c.path,
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, rec)
	if resp.rejected {
		s.rejections = append(s.rejections, rec)
	}
}

func (s *Server) handle(c *call) response {
	route, params, err := s.spec.router.FindRoute(c.r)
	if err != nil {
		var re *routers.RouteError
		if errors.As(err, &re) && re.Reason == routers.ErrMethodNotAllowed.Error() {
			return reject(http.StatusMethodNotAllowed, "Method not allowed")
		}
		return reject(http.StatusNotFound, "Not found")
	}
	c.op, c.path, c.params = route.Operation.OperationID, route.Path, params
	if c.r.Header.Get("Authorization") != "Bearer "+s.Token {
		return reject(http.StatusUnauthorized, "Authentication failed. Confirm that the access token in the authorization header is valid.")
	}
	h := handlers[c.op]
	if h == nil {
		return reject(http.StatusNotImplemented, fmt.Sprintf("linetest: %s %s (%s) is in LINE's API but the fake does not serve it", c.r.Method, c.path, c.op))
	}
	if err := s.spec.validate(c.r, route, params, c.body); err != nil {
		msg, details := problem(err)
		return reject(http.StatusBadRequest, msg, details...)
	}
	if details := checkLimits(c.op, c.body); len(details) > 0 {
		return reject(http.StatusBadRequest, fmt.Sprintf("The request body has %d error(s)", len(details)), details...)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if f, ok := s.takeFault(c); ok {
		if f.Deliver {
			h(s, c)
		}
		body := f.Body
		if body == "" {
			msg, _ := json.Marshal(errorBody{Message: http.StatusText(f.Status)})
			body = string(msg)
		}
		return response{status: f.Status, header: f.Header, body: []byte(body)}
	}
	return h(s, c)
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
