// Command amamiload measures how fast amamibot acknowledges LINE webhooks and
// answers them. It starts the real amamibot binary on a fresh store (embedded
// SQLite or Postgres + Redis) against a fake LINE API on loopback, sends
// signed webhooks open-loop at a rate or closed-loop with N users, and prints
// one JSON object: acknowledgement and reply latencies, turns per second,
// errors, and beside them the same load on a bare signature-checking handler
// and, optionally, pgbench's one-INSERT TPS on the same Postgres.
//
//	go run ./cmd/amamiload --backend sqlite --rate 200 --duration 15s
//	go run ./cmd/amamiload --backend postgres --mode closed --users 64 --duration 20s --pgbench
//	go run ./cmd/amamiload --backend postgres --replicas 2 --mode closed --users 64 --duration 20s
//
// With --chaos-kills N it instead has --users users sign up for a seminar
// while it kills the server N times (see chaos.go).
//
// It only ever talks to loopback, and every loop stops by itself.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	cfg, err := parseFlags(os.Args[1:], os.Stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "amamiload:", err)
		}
		os.Exit(2)
	}
	var rep any
	if cfg.chaosKills > 0 {
		rep, err = runChaos(ctx, cfg, os.Stderr)
	} else {
		rep, err = run(ctx, cfg, os.Stderr)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "amamiload:", err)
		os.Exit(1)
	}
	json.NewEncoder(os.Stdout).Encode(rep)
}

// config is the command line.
type config struct {
	backend      string
	replicas     int
	bin          string
	databaseURL  string
	redisURL     string
	mode         string
	rate         float64
	users        int
	duration     time.Duration
	maxEvents    int
	mix          string
	talents      string
	grace        time.Duration
	replyTimeout time.Duration
	bareDuration time.Duration
	pgbench      bool
	pgbenchConns int
	pgbenchTime  time.Duration
	pprofAddr    string
	serverEnv    []string
	keep         bool
	chaosKills   int
	chaosSeats   int
}

// stringList is a repeatable flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("amamiload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.backend, "backend", "sqlite", "the server's store: sqlite (a fresh DATA_DIR) or postgres (a fresh database on --database-url)")
	fs.IntVar(&c.replicas, "replicas", 1, "postgres backend: servers to start on the same database and Redis (1 to 8); the webhooks go round robin over them, a user's next event to another server than the last")
	fs.StringVar(&c.bin, "bin", "", "the amamibot binary to test (default: go build ./cmd/amamibot into a temporary directory)")
	fs.StringVar(&c.databaseURL, "database-url", "postgres://root@127.0.0.1:5432/postgres?sslmode=disable", "a Postgres role that may create databases: the postgres backend's and pgbench's scratch databases")
	fs.StringVar(&c.redisURL, "redis-url", "redis://127.0.0.1:6379/0", "REDIS_URL for the postgres backend; empty for a server that does not need Redis")
	fs.StringVar(&c.mode, "mode", "open", "open: send --rate events/s whatever the answers; closed: --users users each wait for the reply before their next message")
	fs.Float64Var(&c.rate, "rate", 100, "events per second (open loop)")
	fs.IntVar(&c.users, "users", 200, "simulated LINE users (open loop: spread over them round robin)")
	fs.DurationVar(&c.duration, "duration", 15*time.Second, "how long to send")
	fs.IntVar(&c.maxEvents, "max-events", 1_000_000, "stop after this many events in any case")
	fs.StringVar(&c.mix, "mix", "menu", "the messages: menu, seminar (the sign-up flow), problem (business problems; needs --talents) or mixed")
	fs.StringVar(&c.talents, "talents", "", "a talents CSV to import before the run (for example match/demo_talents.csv)")
	fs.DurationVar(&c.grace, "grace", 5*time.Second, "how long to wait after sending for the replies still missing")
	fs.DurationVar(&c.replyTimeout, "reply-timeout", 10*time.Second, "closed loop: how long a user waits for a reply before sending anyway")
	fs.DurationVar(&c.bareDuration, "bare-duration", 5*time.Second, "how long to load the bare signature-checking handler at the run's event rate (0: not at all)")
	fs.BoolVar(&c.pgbench, "pgbench", false, "also measure pgbench's one-INSERT TPS on --database-url")
	fs.IntVar(&c.pgbenchConns, "pgbench-clients", 8, "pgbench clients")
	fs.DurationVar(&c.pgbenchTime, "pgbench-time", 10*time.Second, "how long pgbench runs")
	fs.StringVar(&c.pprofAddr, "pprof-addr", "", "passed to the server (the first of --replicas) as PPROF_ADDR (a loopback address), for a server that serves pprof")
	fs.Var((*stringList)(&c.serverEnv), "server-env", "KEY=VALUE added to the server's environment (repeatable)")
	fs.BoolVar(&c.keep, "keep", false, "keep the temporary directory (server log, data) and say where it is")
	fs.IntVar(&c.chaosKills, "chaos-kills", 0, "chaos mode: --users users sign up for a seminar (one message after each answer, --reply-timeout each) while the server is killed with SIGKILL this many times and restarted")
	fs.IntVar(&c.chaosSeats, "chaos-seats", 20, "chaos mode: venue seats per seminar (fewer than --users, so that some wait for a seat)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments %q: everything is a flag (see -h)", fs.Args())
	}
	return c, c.check()
}

// check refuses settings that cannot work or would not stop.
func (c config) check() error {
	var errs []error
	if c.backend != "sqlite" && c.backend != "postgres" {
		errs = append(errs, fmt.Errorf("--backend %q: use sqlite or postgres", c.backend))
	}
	switch {
	case c.replicas < 1 || c.replicas > 8:
		errs = append(errs, fmt.Errorf("--replicas %d: give between 1 and 8", c.replicas))
	case c.replicas > 1 && c.backend == "sqlite":
		errs = append(errs, fmt.Errorf("--replicas %d with --backend sqlite: one DATA_DIR is served by one process; use --backend postgres", c.replicas))
	case c.replicas > 1 && c.chaosKills > 0:
		errs = append(errs, fmt.Errorf("--replicas %d with --chaos-kills: the chaos mode kills and restarts one server; give --replicas 1", c.replicas))
	}
	if c.mode != "open" && c.mode != "closed" {
		errs = append(errs, fmt.Errorf("--mode %q: use open or closed", c.mode))
	}
	if c.rate <= 0 || c.rate > 20_000 {
		errs = append(errs, fmt.Errorf("--rate %v: give events per second between 1 and 20000", c.rate))
	}
	if c.users < 1 || c.users > 10_000 {
		errs = append(errs, fmt.Errorf("--users %d: give between 1 and 10000", c.users))
	}
	if c.duration <= 0 || c.duration > 30*time.Minute {
		errs = append(errs, fmt.Errorf("--duration %v: give up to 30m", c.duration))
	}
	if c.maxEvents < 1 {
		errs = append(errs, fmt.Errorf("--max-events %d: give at least 1", c.maxEvents))
	}
	if err := checkMix(c.mix); err != nil {
		errs = append(errs, err)
	}
	if (c.mix == "problem" || c.mix == "mixed") && c.talents == "" {
		errs = append(errs, fmt.Errorf("--mix %s sends business problems: give a pool with --talents (for example match/demo_talents.csv)", c.mix))
	}
	if c.grace < 0 || c.grace > 5*time.Minute || c.replyTimeout <= 0 || c.replyTimeout > 5*time.Minute {
		errs = append(errs, errors.New("--grace and --reply-timeout: give up to 5m"))
	}
	if c.bareDuration < 0 || c.bareDuration > 10*time.Minute || c.pgbenchTime < time.Second || c.pgbenchTime > 10*time.Minute {
		errs = append(errs, errors.New("--bare-duration and --pgbench-time: give up to 10m (pgbench at least 1s)"))
	}
	if c.pgbenchConns < 1 || c.pgbenchConns > 64 {
		errs = append(errs, fmt.Errorf("--pgbench-clients %d: give between 1 and 64", c.pgbenchConns))
	}
	if c.chaosKills < 0 || c.chaosKills > 100 || c.chaosSeats < 1 {
		errs = append(errs, errors.New("--chaos-kills: give up to 100; --chaos-seats: at least 1"))
	}
	for _, kv := range c.serverEnv {
		if k, _, ok := strings.Cut(kv, "="); !ok || k == "" {
			errs = append(errs, fmt.Errorf("--server-env %q: give KEY=VALUE", kv))
		}
	}
	return errors.Join(errs...)
}

// report is the JSON the command prints.
type report struct {
	Backend   string  `json:"backend"`
	Replicas  int     `json:"replicas"`
	Mode      string  `json:"mode"`
	Mix       string  `json:"mix"`
	Rate      float64 `json:"rate,omitempty"`
	Users     int     `json:"users"`
	DurationS float64 `json:"duration_s"`
	tally
	// AcksPerReplica is the webhooks each server acknowledged, with more than one.
	AcksPerReplica     []int64  `json:"acks_per_replica,omitempty"`
	Skipped            int      `json:"events_skipped_in_flight_cap,omitempty"`
	InvalidReplyTokens int64    `json:"invalid_reply_tokens"`
	UnexpectedCalls    int64    `json:"unexpected_line_calls"`
	ServerLogErrors    int      `json:"server_log_errors"`
	ServerLogWarnings  int      `json:"server_log_warnings"`
	ServerErrorSamples []string `json:"server_error_samples,omitempty"`

	Bare       *bareReport `json:"bare,omitempty"`
	PgbenchTPS float64     `json:"pgbench_tps,omitempty"`
	// AckP99OverBare is the server's ack p99 over the bare handler's at the same rate.
	AckP99OverBare float64 `json:"ack_p99_over_bare,omitempty"`
	// TurnsPctOfPgbench is turns/s as a percentage of pgbench's one-INSERT TPS.
	TurnsPctOfPgbench float64 `json:"turns_pct_of_pgbench,omitempty"`
	KeptDir           string  `json:"kept_dir,omitempty"`
	// LoadAvg is the machine's 1-minute load average as the sending began
	// and ended: other work on the machine skews the figures.
	LoadAvg [2]float64 `json:"loadavg_1m"`
}

// bareReport is the bare handler under the run's event rate.
type bareReport struct {
	Rate      float64 `json:"rate"`
	DurationS float64 `json:"duration_s"`
	AcksOK    int     `json:"acks_ok"`
	AckErrors int     `json:"ack_errors"`
	AckP50    float64 `json:"ack_p50_ms"`
	AckP99    float64 `json:"ack_p99_ms"`
}

const (
	channelSecret = "amamiload-channel-secret"
	channelToken  = "amamiload-channel-token"
)

// run does the whole measurement; progress goes to logw.
func run(ctx context.Context, c config, logw io.Writer) (*report, error) {
	progress := func(format string, args ...any) { fmt.Fprintf(logw, "amamiload: "+format+"\n", args...) }
	dir, err := os.MkdirTemp("", "amamiload-")
	if err != nil {
		return nil, err
	}
	rep := &report{Backend: c.backend, Replicas: c.replicas, Mode: c.mode, Mix: c.mix, Users: c.users, DurationS: c.duration.Seconds()}
	if c.mode == "open" {
		rep.Rate = c.rate
	}
	if c.keep {
		rep.KeptDir = dir
	} else {
		defer os.RemoveAll(dir)
	}

	if c.pgbench {
		progress("pgbench: %d clients for %v", c.pgbenchConns, c.pgbenchTime)
		if rep.PgbenchTPS, err = runPgbench(ctx, c.databaseURL, dir, c.pgbenchConns, c.pgbenchTime); err != nil {
			return nil, err
		}
	}

	r, err := setUp(ctx, c, dir, maxSeats, progress)
	if err != nil {
		return nil, err
	}
	defer r.close()
	fake, track := r.fake, r.track

	runID := newRunID()
	users := make([]*user, c.users)
	for i := range users {
		users[i] = &user{slot: i, mix: c.mix}
	}
	webhooks := make([]string, len(r.srvs))
	for i, srv := range r.srvs {
		webhooks[i] = srv.url + "/line/webhook"
	}
	s := newSender(webhooks, channelSecret, runID, track)
	defer s.close()
	progress("sending: %s loop, %s mix, %v", c.mode, c.mix, c.duration)
	rep.LoadAvg[0] = loadAvg()
	start := time.Now()
	if c.mode == "open" {
		rep.Skipped = openLoop(ctx, s, users, c.rate, c.duration, c.maxEvents)
	} else {
		closedLoop(ctx, s, users, c.duration, c.replyTimeout, c.maxEvents)
	}
	rep.LoadAvg[1] = loadAvg()
	awaitReplies(ctx, track, c.grace)
	rep.tally = track.tally(start, c.duration)
	rep.InvalidReplyTokens, rep.UnexpectedCalls = fake.invalidTokens.Load(), fake.unexpected.Load()
	if len(r.srvs) > 1 {
		rep.AcksPerReplica = s.acksPerURL()
	}

	r.stopped = true
	for i, srv := range r.srvs {
		if err := srv.stop(); err != nil {
			progress("stopping server %d: %v", i+1, err)
		}
	}
	rep.ServerLogErrors, rep.ServerLogWarnings, rep.ServerErrorSamples = logProblems(r.srvs)

	if c.bareDuration > 0 && ctx.Err() == nil {
		rate := c.rate
		if c.mode == "closed" {
			rate = max(rep.EventsPerSec, 1)
		}
		progress("bare handler at %.0f events/s for %v", rate, c.bareDuration)
		b, err := runBare(ctx, runID, rate, c.bareDuration, c.users, c.maxEvents)
		if err != nil {
			return nil, err
		}
		rep.Bare = b
		rep.AckP99OverBare = ratio(rep.Ack.P99, b.AckP99)
	}
	if rep.PgbenchTPS > 0 {
		rep.TurnsPctOfPgbench = ratio(100*rep.RepliesPerSec, rep.PgbenchTPS)
	}
	return rep, ctx.Err()
}

// A rig is the running servers under test (--replicas of them) on their
// fresh store, the fake LINE API they answer through, and the tracker of all.
type rig struct {
	srvs    []*server
	fake    *fakeLINE
	track   *tracker
	stopped bool     // the servers were stopped already
	undo    []func() // what close undoes, last first
}

// setUp builds the server (unless --bin), gives it a fresh store of the
// backend with seminars of capacity venue seats each, and starts it
// --replicas times on that store, each on its own port with its own log.
func setUp(ctx context.Context, c config, dir string, capacity int, progress func(string, ...any)) (r *rig, err error) {
	r = &rig{srvs: []*server{{bin: c.bin, log: dir + "/server.log"}}, track: newTracker()}
	defer func() {
		if err != nil {
			r.close()
		}
	}()
	srv := r.srvs[0]
	if srv.bin == "" {
		progress("building amamibot")
		if srv.bin, err = buildServer(ctx, dir); err != nil {
			return r, err
		}
	}
	if r.fake, err = startFakeLINE(channelToken, r.track); err != nil {
		return r, err
	}
	r.undo = append(r.undo, r.fake.close)
	srv.env = []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"),
		"LINE_CHANNEL_SECRET=" + channelSecret,
		"LINE_CHANNEL_ACCESS_TOKEN=" + channelToken,
		"LINE_API_BASE_URL=" + r.fake.url,
	}
	switch c.backend {
	case "sqlite":
		srv.env = append(srv.env, "DATA_DIR="+dir+"/data")
	case "postgres":
		db, err := createDatabase(ctx, c.databaseURL, "amamiload")
		if err != nil {
			return r, err
		}
		r.undo = append(r.undo, func() {
			if err := db.drop(); err != nil {
				progress("could not drop database %s: %v", db.name, err)
			}
			if c.redisURL != "" {
				if err := deleteRedisKeys(context.Background(), c.redisURL, db.name); err != nil {
					progress("could not delete the Redis keys of %s: %v", db.name, err)
				}
			}
		})
		srv.env = append(srv.env, "DATABASE_URL="+db.url)
		if c.redisURL != "" {
			srv.env = append(srv.env, "REDIS_URL="+c.redisURL)
		}
	}
	srv.env = append(srv.env, c.serverEnv...)

	seminars := dir + "/seminars.csv"
	if err := os.WriteFile(seminars, seminarsCSV(time.Now(), capacity), 0o600); err != nil {
		return r, err
	}
	if _, err := srv.command(ctx, "import", "seminars", seminars); err != nil {
		return r, err
	}
	if c.talents != "" {
		if _, err := srv.command(ctx, "import", "talents", c.talents); err != nil {
			return r, err
		}
	}
	// The replicas share everything but their port, log and pprof address
	// (one port serves one of them: the first gets it). Clipped, env is
	// copied by every append, so no replica's addition shows in another's.
	env := slices.Clip(srv.env)
	if c.pprofAddr != "" {
		srv.env = append(env, "PPROF_ADDR="+c.pprofAddr)
	}
	if c.replicas > 1 {
		srv.log = dir + "/server-1.log"
	}
	for i := 1; i < c.replicas; i++ {
		r.srvs = append(r.srvs, &server{bin: srv.bin, env: env, log: fmt.Sprintf("%s/server-%d.log", dir, i+1)})
	}
	r.undo = append(r.undo, func() {
		if !r.stopped {
			for _, srv := range r.srvs {
				srv.stop()
			}
		}
	})
	// One after the other: the first migrates the fresh database, the
	// others find it done.
	for i, srv := range r.srvs {
		progress("starting server %d of %d (%s)", i+1, len(r.srvs), c.backend)
		if err := srv.start(ctx); err != nil {
			return r, err
		}
	}
	return r, nil
}

// logProblems sums what the servers logged at level ERROR and WARN once
// ready, and keeps the first few distinct error messages of any.
func logProblems(srvs []*server) (errs, warns int, samples []string) {
	for _, srv := range srvs {
		e, w, ss := srv.logProblems()
		errs, warns = errs+e, warns+w
		for _, msg := range ss {
			if !slices.Contains(samples, msg) && len(samples) < 5 {
				samples = append(samples, msg)
			}
		}
	}
	return errs, warns, samples
}

// close stops the server unless stopped, drops its database and stops the fake.
func (r *rig) close() {
	for i := len(r.undo) - 1; i >= 0; i-- {
		r.undo[i]()
	}
}

// runBare loads the bare handler open-loop at rate for d.
func runBare(ctx context.Context, runID string, rate float64, d time.Duration, nUsers, maxEvents int) (*bareReport, error) {
	url, stop, err := startBare(channelSecret)
	if err != nil {
		return nil, err
	}
	defer stop()
	track := newTracker()
	s := newSender([]string{url}, channelSecret, runID, track)
	defer s.close()
	users := make([]*user, nUsers)
	for i := range users {
		users[i] = &user{slot: i, mix: "menu"}
	}
	start := time.Now()
	openLoop(ctx, s, users, rate, d, maxEvents)
	t := track.tally(start, d)
	return &bareReport{Rate: rate, DurationS: d.Seconds(), AcksOK: t.AcksOK, AckErrors: t.AckErrors, AckP50: t.Ack.P50, AckP99: t.Ack.P99}, nil
}

// newRunID returns 16 random hex digits that tell this run's ids from another's.
func newRunID() string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// maxSeats is the most venue seats the import takes: seats for every
// sign-up a load run can make.
const maxSeats = 10_000

// seminarsCSV is the seminars the runs sign up for: upcoming, at a venue
// with capacity seats and online.
func seminarsCSV(now time.Time, capacity int) []byte {
	jst := time.FixedZone("JST", 9*3600)
	var b strings.Builder
	b.WriteString("id,title,starts_at,ends_at,venue,online_url,capacity\n")
	titles := []string{"観光DXセミナー 予約とSNSで選ばれる宿へ", "事業承継を考える勉強会", "特産品のネット販売 はじめの一歩"}
	for i, title := range titles {
		d := now.In(jst).AddDate(0, 0, 7+3*i)
		starts := time.Date(d.Year(), d.Month(), d.Day(), 15, 0, 0, 0, jst)
		fmt.Fprintf(&b, "load-%d,%s,%s,%s,奄美市AiAiひろば 2階 会議室,https://meet.example.jp/load-%d,%d\n",
			i+1, title, starts.Format(time.RFC3339), starts.Add(90*time.Minute).Format(time.RFC3339), i+1, capacity)
	}
	return []byte(b.String())
}

// loadAvg is the 1-minute load average, or 0 where /proc/loadavg is not.
func loadAvg() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	first, _, _ := strings.Cut(string(b), " ")
	v, _ := strconv.ParseFloat(first, 64)
	return v
}
