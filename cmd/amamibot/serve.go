package main

import (
	"context"
	"crypto/subtle"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	_ "net/http/pprof" // for PPROF_ADDR only: the server's own mux does not serve it
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/riverqueue/river"

	"github.com/amamibot/amamibot/bot"
	"github.com/amamibot/amamibot/bot/line"
	slackbot "github.com/amamibot/amamibot/bot/slack"
	"github.com/amamibot/amamibot/calendar"
	"github.com/amamibot/amamibot/flows"
	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/understand"
)

// shutdownGrace bounds how long in-flight requests and running turns get to
// finish after SIGTERM.
const shutdownGrace = 20 * time.Second

func serve(ctx context.Context, args []string, getenv func(string) string, logger *slog.Logger) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	demo := fs.Bool("demo", false, "seed an empty store with upcoming seminars, to try every flow at once")
	fs.SetOutput(io.Discard) // run prints the usage, to its own stderr
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%s: %w: %w", fs.Name(), err, errUsage)
	}
	c, err := loadConfig(getenv)
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	if *demo {
		c.Addr = demoAddr(getenv)
	}
	switch {
	case c.DatabaseURL == "":
		logger.Info("store: embedded SQLite; set DATABASE_URL to use Postgres", "data_dir", c.DataDir)
	case c.RedisURL != "":
		logger.Info("store: Postgres; REDIS_URL is accepted, though no feature uses Redis yet")
	default:
		logger.Info("store: Postgres")
	}
	workers := river.NewWorkers()
	opts := store.Options{
		Workers: workers, MaxWorkers: c.RiverWorkers, Logger: logger, PeriodicJobs: []*river.PeriodicJob{bot.PurgeJob(), line.FollowupScanJob()},
		FetchPollInterval: c.FetchPollInterval, FetchCooldown: c.FetchCooldown,
		Reminders: c.Reminders, OfferWindow: c.OfferWindow,
	}
	if c.lineEnabled() {
		// wireLINE runs the turns; the sweep finds the events it missed.
		opts.TurnsInProcess = true
		opts.PeriodicJobs = append(opts.PeriodicJobs, line.SweepJob())
	}
	st, err := openStore(ctx, c, opts)
	if err != nil {
		return err
	}
	defer st.Close()
	river.AddWorker(workers, &bot.PurgeWorker{Store: st, Retention: c.Retention, Logger: logger})
	river.AddWorker(workers, &bot.OfferExpiryWorker{Store: st})
	if *demo {
		if err := seedDemo(ctx, st, time.Now(), c.Loc, logger); err != nil {
			return fmt.Errorf("seed demo data: %w", err)
		}
	}
	started := time.Now()
	understand.Load()
	logger.Info("dictionary and phrase tables loaded", "took", time.Since(started).Round(time.Millisecond))
	talents := &liveIndex{}
	if err := talents.refresh(ctx, st); err != nil {
		return err
	}
	go talents.follow(ctx, st, logger)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := st.Ping(ctx); err != nil {
			logger.WarnContext(ctx, "not ready", "err", err)
			http.Error(w, "store or sessions unreachable", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	stopConsole, err := wireConsole(mux, &c, *demo, getenv, logger)
	if err != nil {
		return err
	}
	defer stopConsole()

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := bot.NewMetrics(reg)
	bot.RegisterJobs(reg, st, logger)
	mux.Handle("GET /metrics", bearer(c.MetricsToken, promhttp.HandlerFor(reg, promhttp.HandlerOpts{})))

	flow := &flows.Bot{
		Seminars: st, Intros: st, Bookings: st, Privacy: st, Matcher: talents,
		FAQ: st, Loc: c.Loc, Funnel: metrics, Retention: c.Retention, Reminders: c.Reminders,
		Calendar: calendar.Links{Base: c.PublicURL, Secret: []byte(c.CalendarSecret)},
		Announce: st, Followups: st,
	}
	if c.slackEnabled() {
		// Staff answer users in Slack threads.
		flow.Handoffs, flow.Staff = st, flows.Staff{Hours: c.StaffHours, Idle: c.HandoffIdle}
	}
	mux.Handle("GET /calendar/{file}", &calendar.Handler{Links: flow.Calendar, Registrations: st, Logger: logger})
	runner := &bot.Runner{Flows: flow, Logger: logger, Metrics: metrics}
	var profiles slackbot.Profiles
	if c.lineEnabled() {
		client, turns := wireLINE(mux, workers, st, runner, c, logger)
		defer turns.Stop()
		profiles = client
	} else {
		logger.Warn("LINE is not configured: POST /line/webhook answers 503; set LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN")
		mux.HandleFunc("POST /line/webhook", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "LINE channel not configured on this server", http.StatusServiceUnavailable)
		})
	}
	if c.slackEnabled() {
		if err := wireSlack(ctx, mux, workers, st, c, logger, profiles, bot.NewHandoffMetrics(reg)); err != nil {
			return err
		}
	} else {
		logger.Warn("Slack is not configured: introduction alerts wait in the job queue; set SLACK_BOT_TOKEN, SLACK_CHANNEL_ID and SLACK_SIGNING_SECRET or SLACK_APP_TOKEN")
	}
	if err := servePprof(getenv("PPROF_ADDR"), logger); err != nil {
		return err
	}
	// Listen before the jobs start: a taken ADDR must not leave them running.
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("listen on ADDR %s: %w", c.Addr, err)
	}
	// Jobs outlive the signal: SIGTERM stops them through StopJobs, which
	// lets running turns finish, rather than cancelling them mid-turn.
	if err := st.StartJobs(context.WithoutCancel(ctx)); err != nil {
		ln.Close()
		return fmt.Errorf("start jobs: %w", err)
	}
	srv := &http.Server{
		Handler:           observe(mux, metrics),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10, // LINE's and Slack's headers take a few KiB
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	logger.Info("listening", "addr", ln.Addr().String())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	var serveErr error
	select {
	case err := <-served:
		serveErr = fmt.Errorf("serve: %w", err) // the jobs still stop below
	case <-ctx.Done():
	}
	logger.Info("shutting down: finishing in-flight requests and turns")
	done, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := errors.Join(srv.Shutdown(done), st.StopJobs(done)); err != nil {
		return errors.Join(serveErr, fmt.Errorf("shutdown: %w", err))
	}
	if serveErr != nil {
		return serveErr
	}
	logger.Info("stopped")
	return nil
}

// servePprof serves net/http/pprof on addr, a loopback address, for
// profiling under load (cmd/amamiload --pprof-addr); empty: not at all.
func servePprof(addr string, logger *slog.Logger) error {
	if addr == "" {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("PPROF_ADDR %q must be a loopback address such as 127.0.0.1:6060: profiles show the process's insides", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on PPROF_ADDR %s: %w", addr, err)
	}
	logger.Info("serving pprof", "addr", ln.Addr().String())
	go http.Serve(ln, http.DefaultServeMux) // net/http/pprof registers there
	return nil
}

// demoAddr is where the demo listens: its console needs no token, so it
// stays on loopback unless ADDR says otherwise.
func demoAddr(getenv func(string) string) string {
	return orDefault(getenv("ADDR"), "127.0.0.1:8080")
}

// bearer guards h with a bearer token; an empty token guards nothing.
func bearer(token string, h http.Handler) http.Handler {
	if token == "" {
		return h
	}
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "metrics need the METRICS_TOKEN bearer token", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}
