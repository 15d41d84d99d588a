package bot

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the server's Prometheus metrics: request latency by route,
// turns by flow and outcome, the programme funnel, and the job queue.
type Metrics struct {
	requests *prometheus.HistogramVec
	turns    *prometheus.CounterVec
	funnel   *prometheus.CounterVec
}

// NewMetrics registers the metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "amamibot_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request (webhooks: the acknowledgement), by route and status code.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route", "code"}),
		turns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "amamibot_turns_total",
			Help: "Conversation turns handled, by flow and outcome (ok, error).",
		}, []string{"flow", "outcome"}),
		funnel: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "amamibot_funnel_total",
			Help: "The programme funnel: problems described, suggestions shown, introductions requested and decided, consultations booked, seminar places taken.",
		}, []string{"stage"}),
	}
	reg.MustRegister(m.requests, m.turns, m.funnel)
	return m
}

// Record counts one step of the programme funnel (flows.Recorder). A nil
// *Metrics records nothing, for tests and tools that need none.
func (m *Metrics) Record(stage string) {
	if m != nil {
		m.funnel.WithLabelValues(stage).Inc()
	}
}

// turn counts one turn of flow.
func (m *Metrics) turn(flow string, err error) {
	if m == nil {
		return
	}
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	m.turns.WithLabelValues(flow, outcome).Inc()
}

// Instrument measures h's answers, labelled with route(r): a route
// pattern, never the raw path, so that labels stay few.
func (m *Metrics) Instrument(h http.Handler, route func(*http.Request) string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		h.ServeHTTP(sw, r)
		m.requests.WithLabelValues(route(r), strconv.Itoa(sw.code)).Observe(time.Since(start).Seconds())
	})
}

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	w.code = code
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// JobCounter counts the job queue's jobs by state.
type JobCounter interface {
	JobCounts(ctx context.Context) (map[string]int, error)
}

// jobsCollector reports the job queue on each scrape: the depth
// (available, scheduled, retryable) and the failures (discarded).
type jobsCollector struct {
	jobs   JobCounter
	desc   *prometheus.Desc
	logger *slog.Logger
}

// RegisterJobs reports the job queue's jobs by state as amamibot_jobs.
func RegisterJobs(reg prometheus.Registerer, jobs JobCounter, logger *slog.Logger) {
	reg.MustRegister(&jobsCollector{
		jobs:   jobs,
		desc:   prometheus.NewDesc("amamibot_jobs", "Jobs in the queue by state (available and retryable: waiting; discarded: failed for good).", []string{"state"}, nil),
		logger: logger,
	})
}

func (c *jobsCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *jobsCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts, err := c.jobs.JobCounts(ctx)
	if err != nil {
		c.logger.Warn("metrics: job counts", "err", err)
		return
	}
	// The states that matter are reported even at zero, so alerts on
	// them have a series to watch from the start.
	for _, state := range []string{"available", "scheduled", "retryable", "running", "discarded"} {
		counts[state] += 0
	}
	for state, n := range counts {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(n), state)
	}
}
