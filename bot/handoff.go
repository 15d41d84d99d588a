package bot

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// HandoffMetrics count hand-offs to staff: opened (their alert posted),
// answered (a first staff reply), and the wait for that first reply.
type HandoffMetrics struct {
	opened, answered prometheus.Counter
	wait             prometheus.Histogram
}

// NewHandoffMetrics registers the hand-off metrics with reg.
func NewHandoffMetrics(reg prometheus.Registerer) *HandoffMetrics {
	m := &HandoffMetrics{
		opened: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "amamibot_handoffs_opened_total",
			Help: "Hand-offs to staff opened (their Slack alert posted).",
		}),
		answered: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "amamibot_handoffs_answered_total",
			Help: "Hand-offs to staff that got a first staff reply.",
		}),
		wait: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "amamibot_handoff_first_answer_seconds",
			Help:    "Time from a hand-off's opening to staff's first reply.",
			Buckets: []float64{60, 300, 900, 1800, 3600, 3 * 3600, 8 * 3600, 24 * 3600, 72 * 3600},
		}),
	}
	reg.MustRegister(m.opened, m.answered, m.wait)
	return m
}

// HandoffOpened counts a hand-off opened.
func (m *HandoffMetrics) HandoffOpened() { m.opened.Inc() }

// HandoffAnswered counts a first staff reply, after wait.
func (m *HandoffMetrics) HandoffAnswered(wait time.Duration) {
	m.answered.Inc()
	m.wait.Observe(wait.Seconds())
}
