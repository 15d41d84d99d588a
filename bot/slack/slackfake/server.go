// Package slackfake provides a strict fake of the Slack Web API methods
// amamibot uses, for tests, in the spirit of net/http/httptest: point
// slack-go at Server.APIURL and inspect what was posted.
//
// Strict means it checks what Slack checks, so a bug in the code under test
// fails the test: the token, each method's required arguments, Block Kit's
// limits (50 blocks, button values of 2,000 characters, action IDs of 255,
// text lengths), metadata, response URLs (5 uses in 30 minutes). A request
// Slack would refuse gets Slack's answer ({"ok":false,"error":"…"}) and is
// reported with t.Errorf when the test ends, so an error swallowed by the
// code under test still fails it; a test that provokes refusals on purpose
// takes them with TakeRejections or calls ExpectRejections.
//
// Faults stand in for a Slack that is rate limiting (429 with Retry-After),
// failing (5xx), or unreachable (a dropped connection), once or until Up.
//
//	srv := slackfake.NewServer(t)
//	api := slack.New(srv.Token, slack.OptionAPIURL(srv.APIURL))
//	// … code under test posts to srv.Channel …
//	msgs := srv.WaitMessages(t, srv.Channel, 1, 5*time.Second)
package slackfake

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Defaults of a Server's identity.
const (
	DefaultToken    = "xoxb-test-bot-token"
	DefaultAppToken = "xapp-test-app-token"
	DefaultTeam     = "T0AMAMI"
	DefaultChannel  = "C0STAFF"
	DefaultBotUser  = "U0AMAMIBOT"
)

// maxBody caps a request body; Slack's own limit for a message is lower.
const maxBody = 4 << 20

// Server is a fake Slack Web API on a loopback port. Its methods are safe
// for concurrent use.
type Server struct {
	URL      string // the server's base URL
	APIURL   string // for slack.OptionAPIURL: URL + "/api/"
	Token    string // the bot token it accepts
	AppToken string // the app-level token it accepts for apps.connections.open
	Team     string // the workspace's team ID (auth.test)
	Channel  string // the one channel the bot is a member of
	BotUser  string // the bot's user ID

	t    testing.TB
	http *httptest.Server
	now  func() time.Time

	mu               sync.Mutex
	changed          chan struct{} // closed and replaced on every change, to wake waiters
	lastTS           time.Time
	messages         map[string][]*Message // by channel, oldest first
	ephemerals       []Ephemeral
	responses        []Response
	responseURLs     map[string]*responseURL
	calls            []Call
	rejections       []Call
	expectRejections bool
	faults           map[string][]Fault
	down             *Fault
	socket           *socket
	files            []*File // reserved by files.getUploadURLExternal
	views            []View
	seq              int
}

// Option configures a Server.
type Option func(*Server)

// WithClock sets the clock that stamps messages and ages response URLs. It
// is called from the server's goroutines, so it must be safe for concurrent
// use.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// NewServer starts a fake and closes it when the test ends, reporting then
// every request Slack would have refused unless the test took or expected
// them.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{
		Token:        DefaultToken,
		AppToken:     DefaultAppToken,
		Team:         DefaultTeam,
		Channel:      DefaultChannel,
		BotUser:      DefaultBotUser,
		t:            t,
		now:          time.Now,
		changed:      make(chan struct{}),
		messages:     map[string][]*Message{},
		responseURLs: map[string]*responseURL{},
		faults:       map[string][]Fault{},
	}
	for _, opt := range opts {
		opt(s)
	}
	s.socket = newSocket(s)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/{method}", s.serveAPI)
	mux.HandleFunc("POST /response/{id}", s.serveResponseURL)
	mux.HandleFunc("GET /socket", s.socket.serve)
	mux.HandleFunc("POST /upload/{id}", s.serveUpload)
	s.http = httptest.NewServer(mux)
	s.URL = s.http.URL
	s.APIURL = s.URL + "/api/"
	t.Cleanup(s.close)
	return s
}

func (s *Server) close() {
	s.socket.close()
	s.http.Close() // waits for requests in flight, so none is recorded after the check below
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.expectRejections {
		return
	}
	for _, c := range s.rejections {
		s.t.Errorf("slackfake: Slack would refuse this request (TakeRejections if the test means it):\n%s", c)
	}
}

// Call is one request the fake answered.
type Call struct {
	Method string     // the API method ("chat.postMessage"), or "response_url"
	Args   url.Values // the form arguments (the JSON body of a response URL is in Body)
	Body   []byte
	Status int    // HTTP status answered
	Answer []byte // body answered
	Error  string // Slack's error code when ok was false
	At     time.Time
}

func (c Call) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s answered %d %s", c.Method, c.Status, strings.TrimSpace(string(c.Answer)))
	for _, k := range slices.Sorted(maps.Keys(c.Args)) {
		if k == "token" {
			continue
		}
		v := []rune(c.Args.Get(k))
		if len(v) > 300 {
			v = append(v[:300], '…')
		}
		fmt.Fprintf(&b, "\n\t%s: %s", k, string(v))
	}
	return b.String()
}

// reply is the fake's answer to a call.
type reply struct {
	status   int
	header   http.Header
	body     any  // encoded as JSON unless []byte
	rejected bool // the request broke the API's rules: a bug in the caller
	drop     bool // close the connection without answering
}

// slackError is Slack's answer to a refused call: HTTP 200, ok false.
func slackError(code string, details ...string) reply {
	body := map[string]any{"ok": false, "error": code}
	if len(details) > 0 {
		body["errors"] = details
	}
	return reply{status: http.StatusOK, body: body, rejected: true}
}

func ok(fields map[string]any) reply {
	body := map[string]any{"ok": true}
	for k, v := range fields {
		body[k] = v
	}
	return reply{status: http.StatusOK, body: body}
}

// method serves an API method with s.mu held.
type method func(s *Server, args url.Values) reply

var methods = map[string]method{
	"auth.test":             (*Server).authTest,
	"chat.postMessage":      (*Server).postMessage,
	"chat.update":           (*Server).update,
	"chat.postEphemeral":    (*Server).postEphemeral,
	"conversations.history": (*Server).history,
	"apps.connections.open": (*Server).openConnection,

	"files.getUploadURLExternal":   (*Server).getUploadURL,
	"files.completeUploadExternal": (*Server).completeUpload,
	"views.open":                   (*Server).openView,
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("method")
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var rep reply
	var args url.Values
	switch {
	case err != nil:
		rep = slackError("request_too_large")
	default:
		if args, err = arguments(r, body); err != nil {
			rep = slackError("invalid_form_data", "slackfake: "+err.Error())
			break
		}
		var m method
		if m, rep = s.authorize(name, r.Header.Get("Authorization"), args); m != nil {
			// The method's effects and the record of the call are one critical section, so a test that
			// sees a post also finds its call in Calls.
			s.mu.Lock()
			if f, ok := s.takeFault(name); ok {
				rep = f.answer(s, args, m)
			} else {
				rep = m(s, args)
			}
			out := s.record(Call{Method: name, Args: args, Body: body}, rep)
			s.mu.Unlock()
			write(w, rep, out)
			return
		}
	}
	s.answer(w, Call{Method: name, Args: args, Body: body}, rep)
}

// arguments reads a call's arguments from a form or, with the token in the
// Authorization header as Slack requires then, a JSON object.
func arguments(r *http.Request, body []byte) (url.Values, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/x-www-form-urlencoded":
		return url.ParseQuery(string(body))
	case "application/json":
		if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
			return nil, errors.New("a JSON body needs the token in the Authorization header")
		}
		var fields map[string]any
		if len(bytes.TrimSpace(body)) > 0 {
			if err := json.Unmarshal(body, &fields); err != nil {
				return nil, fmt.Errorf("JSON body: %w", err)
			}
		}
		args := url.Values{}
		for k, v := range fields {
			if s, ok := v.(string); ok {
				args.Set(k, s)
			} else {
				b, _ := json.Marshal(v)
				args.Set(k, string(b))
			}
		}
		return args, nil
	}
	return nil, fmt.Errorf("a form or JSON body was expected, not %q", r.Header.Get("Content-Type"))
}

// authorize finds the method called and checks its token; it returns the method, or the answer that
// refuses the call.
func (s *Server) authorize(name, authorization string, args url.Values) (method, reply) {
	m := methods[name]
	if m == nil {
		return nil, slackError("unknown_method", "slackfake: "+name+" is not served by the fake")
	}
	want := s.Token
	if name == "apps.connections.open" {
		want = s.AppToken
	}
	token, bearer := strings.CutPrefix(authorization, "Bearer ")
	if !bearer {
		token = args.Get("token")
	}
	switch {
	case token == "":
		return nil, slackError("not_authed")
	case token != want:
		return nil, slackError("invalid_auth")
	}
	return m, reply{}
}

// answer records the call, then answers it.
func (s *Server) answer(w http.ResponseWriter, c Call, rep reply) {
	s.mu.Lock()
	out := s.record(c, rep)
	s.mu.Unlock()
	write(w, rep, out)
}

// record adds the call and its answer to Calls, so a test that has its answer also finds it there, and
// returns the answer's body; s.mu is held.
func (s *Server) record(c Call, rep reply) []byte {
	var out []byte
	switch b := rep.body.(type) {
	case []byte:
		out = b
	default:
		var err error
		if out, err = json.Marshal(b); err != nil {
			panic(fmt.Sprintf("slackfake: encoding the answer to %s: %v", c.Method, err))
		}
	}
	var e struct {
		Error string `json:"error"`
	}
	json.Unmarshal(out, &e)
	c.Status, c.Answer, c.Error = rep.status, out, e.Error

	c.At = s.now()
	s.calls = append(s.calls, c)
	if rep.rejected {
		s.rejections = append(s.rejections, c)
	}
	s.notify()
	return out
}

// write sends the answer to a call already recorded.
func write(w http.ResponseWriter, rep reply, out []byte) {
	if rep.drop {
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	for k, v := range rep.header {
		w.Header()[k] = v
	}
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
	}
	w.WriteHeader(rep.status)
	w.Write(out)
}

// notify wakes the waiters; s.mu is held.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// ts returns a fresh message timestamp, later than every earlier one, as
// Slack's are unique per channel. s.mu is held.
func (s *Server) ts() string {
	t := s.now().Truncate(time.Microsecond)
	if !t.After(s.lastTS) {
		t = s.lastTS.Add(time.Microsecond)
	}
	s.lastTS = t
	return fmt.Sprintf("%d.%06d", t.Unix(), t.Nanosecond()/1000)
}
