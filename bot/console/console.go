// Package console is amamibot's console: a web page where anyone can watch
// the bot work without a LINE channel or a Slack workspace — a phone-like
// LINE chat for several simulated users beside the staff's Slack channel.
//
// The console is not a second bot. It plays the part of the LINE and Slack
// platforms for the server it runs in: it serves a small LINE Messaging API
// and a small Slack Web API on a loopback port, where the server's own LINE
// and Slack clients are pointed, and it delivers what the page's users do as
// the platforms would — signed LINE webhook events to POST /line/webhook,
// signed Slack interactions to POST /slack/actions. Everything behind those
// endpoints (inbox, turn jobs, flows, reply tokens, push fallbacks, alerts)
// runs unmodified; the page shows the very JSON the bot sent.
//
// State lives in memory: a restart forgets the chats shown, not what the bot
// stored. For the same reason the console belongs to one process: behind
// several replicas, a reply sent by another replica's job would land in that
// replica's console.
package console

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// Options configure a Console.
type Options struct {
	// App is the server's handler. The console sends it the platforms'
	// requests (POST /line/webhook, /slack/actions, /slack/commands)
	// in-process; routes may be added to it after New.
	App http.Handler
	// LINE and Slack say which platforms to emulate: those the operator
	// configured for real are left alone, and the page says so.
	LINE, Slack bool
	// Token, when set, is required of every request to the page.
	Token  string
	Logger *slog.Logger
}

// LINECredentials point the server's LINE client and webhook at the console.
type LINECredentials struct {
	ChannelSecret string
	AccessToken   string
	APIBaseURL    string // for LINE_API_BASE_URL
}

// SlackCredentials point the server's Slack app at the console.
type SlackCredentials struct {
	BotToken      string
	SigningSecret string
	ChannelID     string // the staff channel
	APIURL        string // for SLACK_API_URL; ends in "/"
}

// Console is the console of one server. Its methods are safe for concurrent
// use.
type Console struct {
	app    http.Handler
	token  string
	logger *slog.Logger
	line   *LINECredentials  // nil: LINE is real, not emulated
	slack  *SlackCredentials // nil: Slack is real, not emulated
	team   string            // the emulated Slack workspace's ID
	api    *http.Server      // the emulated platform APIs, on base
	base   string            // http://127.0.0.1:port

	mu      sync.Mutex
	version int64         // counts changes the page may want to show
	changed chan struct{} // closed and replaced on every change
	seq     int64         // for message IDs and Slack timestamps
	lineState
	slackState
}

// New starts the emulated APIs on a loopback port, when a platform is
// emulated, with fresh credentials. Close stops them.
func New(opts Options) (*Console, error) {
	if opts.App == nil {
		return nil, errors.New("console: no app handler to deliver to")
	}
	c := &Console{
		app:     opts.App,
		token:   opts.Token,
		logger:  opts.Logger,
		changed: make(chan struct{}),
	}
	if c.logger == nil {
		c.logger = slog.Default()
	}
	c.lineState.init()
	c.slackState.init()
	if !opts.LINE && !opts.Slack {
		return c, nil
	}
	// A port of its own rather than a path on the server's: the Slack app
	// calls auth.test while the server is still being wired, before it
	// listens.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("console: listen on loopback for the emulated APIs: %w", err)
	}
	c.base = "http://" + ln.Addr().String()
	apis := http.NewServeMux()
	if opts.LINE {
		c.line = &LINECredentials{
			ChannelSecret: rand.Text(),
			AccessToken:   rand.Text(),
			APIBaseURL:    c.base + linePrefix,
		}
		apis.Handle(linePrefix+"/", c.lineAPI())
	}
	if opts.Slack {
		c.team = "T" + upperID(10)
		c.slack = &SlackCredentials{
			BotToken:      "xoxb-console-" + rand.Text(),
			SigningSecret: rand.Text(),
			ChannelID:     "C" + upperID(10),
			APIURL:        c.base + slackPrefix + "/",
		}
		apis.Handle(slackPrefix+"/", c.slackAPI())
		apis.Handle("POST "+respondPrefix+"{id}", http.HandlerFunc(c.respond))
	}
	c.api = &http.Server{
		Handler:           apis,
		ReadHeaderTimeout: 5 * time.Second,
		ErrorLog:          slog.NewLogLogger(c.logger.Handler(), slog.LevelWarn),
	}
	go c.api.Serve(ln)
	return c, nil
}

// LINE returns the emulated LINE channel's credentials, or ok=false when
// LINE is not emulated.
func (c *Console) LINE() (creds LINECredentials, ok bool) {
	if c.line == nil {
		return LINECredentials{}, false
	}
	return *c.line, true
}

// Slack returns the emulated Slack workspace's credentials, or ok=false
// when Slack is not emulated.
func (c *Console) Slack() (creds SlackCredentials, ok bool) {
	if c.slack == nil {
		return SlackCredentials{}, false
	}
	return *c.slack, true
}

// Close stops the emulated APIs. Call it after the server's jobs have
// stopped: a job still running would find LINE and Slack gone.
func (c *Console) Close() error {
	if c.api == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return c.api.Shutdown(ctx)
}

// changedLocked records a change and wakes the pages waiting for one; c.mu
// is held.
func (c *Console) changedLocked() {
	c.version++
	close(c.changed)
	c.changed = make(chan struct{})
}

// nextSeq returns a number never returned before; c.mu is held.
func (c *Console) nextSeq() int64 {
	c.seq++
	return c.seq
}
