// Package slack is amamibot's Slack channel, where the programme's staff
// work: every introduction request arrives in the staff channel as an alert
// with 承認 and 見送り buttons, bookings and cancellations of consultations
// are announced there, and the /amami command answers what staff ask about
// seminars, requests and bookings.
//
// Slack calls that can be slow or fail run in River jobs (the alerts, their
// updates, the notices), so that a rate limit or an outage delays a message
// and never loses it. Slack has no idempotency key, so a job that may have
// posted before (a retry) first looks for its own post in the channel's
// history, by the metadata every post carries. Clicks and commands are
// verified, recorded and acknowledged within Slack's 3 seconds; the answer
// to a late click goes out after the acknowledgement.
package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/slack-go/slack"

	"github.com/amamibot/amamibot/export"
	"github.com/amamibot/amamibot/store"
)

// Store is what the Slack channel reads and writes.
type Store interface {
	store.Staffing
	AnnounceStore
	UpcomingSeminars(ctx context.Context, now time.Time, limit int) ([]store.Seminar, error)
	Seminar(ctx context.Context, id string) (store.Seminar, error)
	Booking(ctx context.Context, id int64) (store.Booking, error)
	UpcomingBookings(ctx context.Context, now time.Time) ([]store.Booking, error)
	AllQuestions(ctx context.Context) ([]store.Question, error)
	store.Handoffs
	Owner(ctx context.Context, userID string) (store.Owner, error)
	UserRegistrations(ctx context.Context, userID string, now time.Time) ([]store.Registration, error)
	UserBookings(ctx context.Context, userID string, now time.Time) ([]store.Booking, error)
	export.Source
	InsertJob(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error
}

// Config is how the app reaches Slack.
type Config struct {
	// BotToken (xoxb-…) calls the Web API.
	BotToken string
	// SigningSecret verifies the requests Slack sends to the HTTP handlers;
	// without it they refuse every request (Socket Mode needs none).
	SigningSecret string
	// ChannelID is the staff channel: alerts and notices go there, and
	// /amami answers there only.
	ChannelID string
	// APIURL is the Web API's base URL, ending in "/"; empty means Slack's.
	APIURL string
	// Location shows times to staff; nil means Asia/Tokyo.
	Location *time.Location
	// HTTPClient calls Slack; nil means one with a 10-second time-out.
	HTTPClient *http.Client
	// Logger logs; nil means slog.Default().
	Logger *slog.Logger
	// AnnounceSecondStaff: an announcement made with /amami announce goes
	// out only when another staff member than its author presses 「送信」
	// in its thread; false: the author's own 「送信」 sends it.
	AnnounceSecondStaff bool
}

// App is the Slack channel of one workspace. Its methods are safe for
// concurrent use.
type App struct {
	client  *slack.Client
	store   Store
	channel string
	secret  string
	team    string // the workspace the bot token belongs to
	botUser string // the app's bot user, whose mentions are commands
	loc     *time.Location
	logger  *slog.Logger
	// secondStaff: announcements wait for a second staff member's 「送信」.
	secondStaff bool

	profiles       Profiles       // nil: alerts show no display name
	handoffMetrics HandoffMetrics // nil: not counted

	token, apiURL string       // for RunSocketMode's own client
	http          *http.Client // shared by both clients
}

// New checks the configuration and the bot token (Slack's auth.test, which
// also names the workspace whose commands are served) and returns the app.
func New(ctx context.Context, cfg Config, st Store) (*App, error) {
	switch {
	case cfg.BotToken == "":
		return nil, errors.New("slack: the bot token (xoxb-…) is missing")
	case cfg.ChannelID == "":
		return nil, errors.New("slack: the staff channel ID is missing")
	case cfg.APIURL != "" && !strings.HasSuffix(cfg.APIURL, "/"):
		return nil, fmt.Errorf("slack: the API URL %q must end in /", cfg.APIURL)
	}
	a := &App{
		store:       st,
		channel:     cfg.ChannelID,
		secret:      cfg.SigningSecret,
		loc:         cfg.Location,
		logger:      cfg.Logger,
		secondStaff: cfg.AnnounceSecondStaff,
		token:       cfg.BotToken,
		apiURL:      cfg.APIURL,
		http:        cfg.HTTPClient,
	}
	if a.apiURL == "" {
		a.apiURL = slack.APIURL
	}
	if a.loc == nil {
		loc, err := time.LoadLocation("Asia/Tokyo")
		if err != nil {
			return nil, fmt.Errorf("slack: %w", err)
		}
		a.loc = loc
	}
	if a.logger == nil {
		a.logger = slog.Default()
	}
	if a.http == nil {
		a.http = &http.Client{Timeout: 10 * time.Second}
	}
	a.client = a.newClient()
	auth, err := a.client.AuthTestContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("slack: checking the bot token with auth.test: %w", err)
	}
	a.team, a.botUser = auth.TeamID, auth.UserID
	return a, nil
}

// newClient returns a Web API client with the bot token and the options.
func (a *App) newClient(opts ...slack.Option) *slack.Client {
	return slack.New(a.token, append([]slack.Option{
		slack.OptionAPIURL(a.apiURL),
		slack.OptionHTTPClient(a.http),
	}, opts...)...)
}

// AddWorkers adds the app's job workers to the store's bundle: the alerts of
// introduction requests (store.IntroAlertArgs), their update once decided
// (store.AlertUpdateArgs), the notices of bookings
// (store.BookingNoticeArgs), and the files of /amami export and report
// (FileArgs), among others.
func (a *App) AddWorkers(workers *river.Workers) {
	river.AddWorker(workers, &alertWorker{App: a})
	river.AddWorker(workers, &alertUpdateWorker{App: a})
	river.AddWorker(workers, &noticeWorker{App: a})
	river.AddWorker(workers, &mentionWorker{App: a})
	a.addHandoffWorkers(workers)
	river.AddWorker(workers, &progressWorker{App: a})
	river.AddWorker(workers, &outcomeWorker{App: a})
	river.AddWorker(workers, &fileWorker{App: a})
}
