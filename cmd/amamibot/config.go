package main

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/amamibot/amamibot/flows"
	"github.com/amamibot/amamibot/store"
)

// config is the server's configuration, read from the environment (docs/ARCHITECTURE.md §6).
type config struct {
	Addr        string
	DataDir     string
	DatabaseURL string
	RedisURL    string
	// RiverWorkers bounds the jobs (turns, pushes, alerts) worked at once.
	RiverWorkers int
	// FetchPollInterval and FetchCooldown pace River's job fetches (0: the
	// store's defaults, 50 ms and 10 ms).
	FetchPollInterval, FetchCooldown time.Duration
	// TurnWorkers bounds the LINE turns run at once right after webhooks.
	TurnWorkers int

	LineSecret  string
	LineToken   string
	LineAPIBase string

	SlackBotToken      string
	SlackSigningSecret string
	SlackChannelID     string
	SlackAPIURL        string
	SlackAppToken      string
	// AnnounceSecondStaff: /amami announce needs a second staff member's
	// 「送信」 (ANNOUNCE_APPROVAL=second).
	AnnounceSecondStaff bool

	// StaffHours are when staff answer hand-offs, as users read them;
	// HandoffIdle ends a hand-off in which nobody wrote for that long.
	StaffHours  string
	HandoffIdle time.Duration

	// MetricsToken, when set, is the bearer token GET /metrics requires.
	MetricsToken string
	// PublicURL is where people reach the server; with CalendarSecret it
	// makes the signed .ics links of 「カレンダーに追加」.
	PublicURL      string
	CalendarSecret string

	Loc *time.Location
	// Retention is how long problem texts and inbox events are kept.
	Retention time.Duration
	// Reminders are the seminar reminders each registration schedules.
	Reminders []store.Reminder
	// OfferWindow is how long a seat offered to the waitlist is held.
	OfferWindow time.Duration
}

// loadConfig reads and checks the environment. Every error says what to change.
func loadConfig(getenv func(string) string) (config, error) {
	c := config{
		Addr:        orDefault(getenv("ADDR"), ":8080"),
		DataDir:     orDefault(getenv("DATA_DIR"), "./data"),
		DatabaseURL: getenv("DATABASE_URL"),
		RedisURL:    getenv("REDIS_URL"),
		LineSecret:  getenv("LINE_CHANNEL_SECRET"),
		LineToken:   getenv("LINE_CHANNEL_ACCESS_TOKEN"),
		LineAPIBase: orDefault(getenv("LINE_API_BASE_URL"), "https://api.line.me"),

		SlackBotToken:      getenv("SLACK_BOT_TOKEN"),
		SlackSigningSecret: getenv("SLACK_SIGNING_SECRET"),
		SlackChannelID:     getenv("SLACK_CHANNEL_ID"),
		SlackAPIURL:        orDefault(getenv("SLACK_API_URL"), "https://slack.com/api/"),
		SlackAppToken:      getenv("SLACK_APP_TOKEN"),
		MetricsToken:       getenv("METRICS_TOKEN"),
		StaffHours:         orDefault(getenv("STAFF_HOURS"), flows.DefaultStaffHours),
		PublicURL:          getenv("PUBLIC_URL"),
		CalendarSecret:     getenv("CALENDAR_SECRET"),
	}
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("ADDR %q is not a listen address like :8080 or 127.0.0.1:8080", c.Addr))
	}
	switch {
	case c.DatabaseURL == "" && c.RedisURL != "":
		errs = append(errs, errors.New("REDIS_URL is set but DATABASE_URL is not: Redis goes with the Postgres backend; set DATABASE_URL too, or unset REDIS_URL to use the embedded store"))
	}
	workers, err := strconv.Atoi(orDefault(getenv("RIVER_WORKERS"), "50"))
	if err != nil || workers < 1 || workers > 1000 {
		errs = append(errs, fmt.Errorf("RIVER_WORKERS %q must be a number between 1 and 1000 (jobs worked at once by this process)", getenv("RIVER_WORKERS")))
	}
	c.RiverWorkers = workers
	for _, d := range []struct {
		name string
		dest *time.Duration
	}{{"RIVER_FETCH_POLL_INTERVAL", &c.FetchPollInterval}, {"RIVER_FETCH_COOLDOWN", &c.FetchCooldown}} {
		if v := getenv(d.name); v != "" {
			t, err := time.ParseDuration(v)
			if err != nil || t < time.Millisecond || t > time.Minute {
				errs = append(errs, fmt.Errorf("%s %q must be a duration between 1ms and 1m, such as 50ms", d.name, v))
			}
			*d.dest = t
		}
	}
	turnWorkers, err := strconv.Atoi(orDefault(getenv("TURN_WORKERS"), "16"))
	if err != nil || turnWorkers < 1 || turnWorkers > 1000 {
		errs = append(errs, fmt.Errorf("TURN_WORKERS %q must be a number between 1 and 1000 (LINE turns run at once right after webhooks)", getenv("TURN_WORKERS")))
	}
	c.TurnWorkers = turnWorkers
	if c.DatabaseURL != "" {
		if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			errs = append(errs, errors.New("DATABASE_URL must look like postgres://user:password@host:5432/dbname"))
		}
	}
	if c.RedisURL != "" {
		if u, err := url.Parse(c.RedisURL); err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") {
			errs = append(errs, errors.New("REDIS_URL must look like redis://host:6379/0"))
		}
	}
	switch {
	case c.LineSecret != "" && c.LineToken == "":
		errs = append(errs, errors.New("LINE_CHANNEL_SECRET is set but LINE_CHANNEL_ACCESS_TOKEN is not: both come from the LINE Developers console (Messaging API tab); set both, or neither to run without LINE"))
	case c.LineSecret == "" && c.LineToken != "":
		errs = append(errs, errors.New("LINE_CHANNEL_ACCESS_TOKEN is set but LINE_CHANNEL_SECRET is not: the secret (Basic settings tab) is needed to verify webhooks; set both, or neither"))
	}
	if u, err := url.Parse(c.LineAPIBase); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		errs = append(errs, fmt.Errorf("LINE_API_BASE_URL %q must be an http(s) URL such as https://api.line.me", c.LineAPIBase))
	}
	errs = append(errs, c.checkSlack()...)
	days, err := strconv.Atoi(orDefault(getenv("RETENTION_DAYS"), "180"))
	if err != nil || days < 1 || days > 3650 {
		errs = append(errs, fmt.Errorf("RETENTION_DAYS %q must be a number of days between 1 and 3650 (how long problem texts are kept)", getenv("RETENTION_DAYS")))
	}
	c.Retention = time.Duration(days) * 24 * time.Hour
	idleHours, err := strconv.Atoi(orDefault(getenv("HANDOFF_IDLE_HOURS"), "24"))
	if err != nil || idleHours < 1 || idleHours > 24*30 {
		errs = append(errs, fmt.Errorf("HANDOFF_IDLE_HOURS %q must be a number of hours between 1 and 720 (how long a conversation with staff stays open without messages)", getenv("HANDOFF_IDLE_HOURS")))
	}
	c.HandoffIdle = time.Duration(idleHours) * time.Hour
	c.Reminders = store.DefaultReminders
	if v := getenv("SEMINAR_REMINDERS"); v != "" {
		if c.Reminders, err = store.ParseReminders(v); err != nil {
			errs = append(errs, fmt.Errorf("SEMINAR_REMINDERS: %w (default: 72h,24h,1h online; none for no reminder)", err))
		}
	}
	switch u, err := url.Parse(c.PublicURL); {
	case c.PublicURL != "" && (err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == ""):
		errs = append(errs, fmt.Errorf("PUBLIC_URL %q must be the server's address as people reach it, such as https://bot.example.jp", c.PublicURL))
	case (c.PublicURL == "") != (c.CalendarSecret == ""):
		errs = append(errs, errors.New("PUBLIC_URL and CALENDAR_SECRET go together (the .ics links of カレンダーに追加): set both, or neither"))
	case c.CalendarSecret != "" && len(c.CalendarSecret) < 32:
		errs = append(errs, errors.New("CALENDAR_SECRET must be at least 32 characters (it signs the .ics links), such as the output of: openssl rand -hex 32"))
	}
	c.OfferWindow, err = time.ParseDuration(orDefault(getenv("OFFER_WINDOW"), store.DefaultOfferWindow.String()))
	if err != nil || c.OfferWindow < 10*time.Minute || c.OfferWindow > 7*24*time.Hour {
		errs = append(errs, fmt.Errorf("OFFER_WINDOW %q must be a duration between 10m and 168h, such as 12h (how long a seat offered to the waitlist is held)", getenv("OFFER_WINDOW")))
	}
	switch approval := getenv("ANNOUNCE_APPROVAL"); approval {
	case "", "author":
	case "second":
		c.AnnounceSecondStaff = true
	default:
		errs = append(errs, fmt.Errorf("ANNOUNCE_APPROVAL %q must be author (the author's own 「送信」 sends an announcement) or second (another staff member's)", approval))
	}
	loc, err := time.LoadLocation(orDefault(getenv("TZ_DISPLAY"), "Asia/Tokyo"))
	if err != nil {
		errs = append(errs, fmt.Errorf("TZ_DISPLAY %q is not a time zone name such as Asia/Tokyo", getenv("TZ_DISPLAY")))
	}
	c.Loc = loc
	return c, errors.Join(errs...)
}

// checkSlack checks the Slack settings: all or nothing, and the kinds of
// token Slack issues, since swapping them is the usual mistake.
func (c *config) checkSlack() []error {
	if c.SlackBotToken == "" {
		if c.SlackSigningSecret != "" || c.SlackChannelID != "" || c.SlackAppToken != "" {
			return []error{errors.New("SLACK_SIGNING_SECRET, SLACK_CHANNEL_ID or SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not: copy the Bot User OAuth Token (xoxb-…) from the Slack app's OAuth & Permissions page, or unset them to run without Slack")}
		}
		return nil
	}
	var errs []error
	if !strings.HasPrefix(c.SlackBotToken, "xoxb-") {
		errs = append(errs, errors.New("SLACK_BOT_TOKEN must be the Bot User OAuth Token, starting with xoxb- (OAuth & Permissions page of the Slack app)"))
	}
	if c.SlackChannelID == "" {
		errs = append(errs, errors.New("SLACK_CHANNEL_ID is not set: give the ID (C…) of the staff channel for alerts, shown at the bottom of the channel's details, and invite the app there"))
	}
	if c.SlackSigningSecret == "" && c.SlackAppToken == "" {
		errs = append(errs, errors.New("no way to receive Slack button clicks: set SLACK_SIGNING_SECRET (Basic Information page; clicks come to POST /slack/actions) or SLACK_APP_TOKEN (xapp-…, Socket Mode, no public URL needed)"))
	}
	if c.SlackAppToken != "" && !strings.HasPrefix(c.SlackAppToken, "xapp-") {
		errs = append(errs, errors.New("SLACK_APP_TOKEN must be an app-level token starting with xapp- (Basic Information page, App-Level Tokens, scope connections:write)"))
	}
	if u, err := url.Parse(c.SlackAPIURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		errs = append(errs, fmt.Errorf("SLACK_API_URL %q must be an http(s) URL such as https://slack.com/api/", c.SlackAPIURL))
	} else if !strings.HasSuffix(c.SlackAPIURL, "/") {
		c.SlackAPIURL += "/" // slack-go joins method names onto it
	}
	return errs
}

// slackEnabled reports whether a Slack workspace is configured.
func (c config) slackEnabled() bool { return c.SlackBotToken != "" }

// lineEnabled reports whether a LINE channel is configured.
func (c config) lineEnabled() bool { return c.LineSecret != "" }

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
