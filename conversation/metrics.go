package conversation

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the figures of applying updates. They live in a registry the
// caller owns (serve's /metrics), never in a global one.
type Metrics struct {
	answersStored prometheus.Counter
	applySeconds  prometheus.Histogram
	groupSize     prometheus.Histogram
}

// NewMetrics creates the metrics and registers them with reg (nil: not
// registered, for tests and benchmarks).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		answersStored: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "imrbot_answers_stored_total",
			Help: "Answer rows stored (skips and changed answers included).",
		}),
		applySeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "imrbot_apply_seconds",
			Help:    "Time to apply one update in its transaction.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
		}),
		groupSize: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "imrbot_group_updates",
			Help:    "Updates taken by one shared transaction.",
			Buckets: prometheus.ExponentialBuckets(1, 2, 7),
		}),
	}
	if reg != nil {
		reg.MustRegister(m.answersStored, m.applySeconds, m.groupSize)
	}
	return m
}
