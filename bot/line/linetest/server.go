// Package linetest provides a strict fake of the LINE Messaging API for tests, in the spirit of
// net/http/httptest: point the official SDK at Server.URL and inspect what was sent.
//
// Strict means it checks what the real API checks, so a bug in the code under test fails the test: every
// request is validated against LINE's own OpenAPI spec (messaging-api.yml: the copy in testdata/openapi, or
// the file $LINE_OPENAPI_SPEC names) and against the documented limits the spec does not encode.
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
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
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
	blocked          map[string]bool
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
		blocked:     map[string]bool{},
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

// handler serves an operation; it runs with s.mu held.
type handler func(*Server, *call) response

// handlers serve the operations the project uses; the rest of the spec answers 501.
var handlers = map[string]handler{
	"replyMessage":         (*Server).reply,
	"pushMessage":          (*Server).push,
	"multicast":            (*Server).multicast,
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
	var h handler
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		resp = reject(http.StatusRequestEntityTooLarge, fmt.Sprintf("linetest: reading the request body: %v", err))
	} else {
		c.body = body
		h, resp = s.route(c)
	}

	// The handler's effects and the record of the request are one critical section, so a test that sees a
	// delivery also finds its request in Requests and Count.
	s.mu.Lock()
	if h != nil {
		if f, ok := s.takeFault(c); ok {
			resp = f.answer(s, c, h)
		} else {
			resp = h(s, c)
		}
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
	rec := Request{
		Method: r.Method, Path: r.URL.Path, Operation: c.op, Header: r.Header.Clone(),
		Body: c.body, Status: resp.status, Response: out, template: c.path,
	}
	s.requests = append(s.requests, rec)
	if resp.rejected {
		s.rejections = append(s.rejections, rec)
	}
	s.mu.Unlock()

	hdr := w.Header()
	for k, v := range resp.header {
		hdr[k] = v
	}
	if hdr.Get("Content-Type") == "" {
		hdr.Set("Content-Type", "application/json")
	}
	hdr.Set("X-Line-Request-Id", c.id)
	w.WriteHeader(resp.status)
	w.Write(out)
}

// route finds, authorises and validates c's operation and returns its handler, or the answer that
// refuses it.
func (s *Server) route(c *call) (handler, response) {
	route, params, err := s.spec.router.FindRoute(c.r)
	if err != nil {
		var re *routers.RouteError
		if errors.As(err, &re) && re.Reason == routers.ErrMethodNotAllowed.Error() {
			return nil, reject(http.StatusMethodNotAllowed, "Method not allowed")
		}
		return nil, reject(http.StatusNotFound, "Not found")
	}
	c.op, c.path, c.params = route.Operation.OperationID, route.Path, params
	if c.r.Header.Get("Authorization") != "Bearer "+s.Token {
		return nil, reject(http.StatusUnauthorized, "Authentication failed. Confirm that the access token in the authorization header is valid.")
	}
	h := handlers[c.op]
	if h == nil {
		return nil, reject(http.StatusNotImplemented, fmt.Sprintf("linetest: %s %s (%s) is in LINE's API but the fake does not serve it", c.r.Method, c.path, c.op))
	}
	if err := s.spec.validate(c.r, route, params, c.body); err != nil {
		msg, details := problem(err)
		return nil, reject(http.StatusBadRequest, msg, details...)
	}
	if details := checkLimits(c.op, c.body); len(details) > 0 {
		return nil, reject(http.StatusBadRequest, fmt.Sprintf("The request body has %d error(s)", len(details)), details...)
	}
	return h, response{}
}
