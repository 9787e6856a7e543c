package bot

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the chat's Prometheus figures. They live in a registry the
// caller owns (serve's /metrics), never in a global one.
type Metrics struct {
	updatesApplied  *prometheus.CounterVec
	answersStored   prometheus.Counter
	messagesSent    prometheus.Counter
	tooManyRequests prometheus.Counter
	forbidden       prometheus.Counter
	repliesDropped  prometheus.Counter
	applySeconds    prometheus.Histogram
	groupSize       prometheus.Histogram
}

// NewMetrics creates the metrics and registers them with reg (nil: not
// registered, for tests and benchmarks).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		updatesApplied: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "imrbot_updates_total",
			Help: "Telegram updates received, by outcome (applied, duplicate, stale, ignored, undecodable, failed).",
		}, []string{"outcome"}),
		answersStored: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "imrbot_answers_stored_total",
			Help: "Answer rows stored (skips and changed answers included).",
		}),
		messagesSent: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "imrbot_messages_sent_total",
			Help: "Messages sent or edited through the sender.",
		}),
		tooManyRequests: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "imrbot_telegram_429_total",
			Help: "Times Telegram answered 429 Too Many Requests.",
		}),
		forbidden: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "imrbot_telegram_403_total",
			Help: "Times Telegram answered 403 Forbidden (participant blocked the bot).",
		}),
		repliesDropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "imrbot_replies_dropped_total",
			Help: "Replies not sent: the chat had too many waiting, or the same reply was waiting already.",
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
		reg.MustRegister(m.updatesApplied, m.answersStored, m.messagesSent,
			m.tooManyRequests, m.forbidden, m.repliesDropped, m.applySeconds, m.groupSize)
	}
	return m
}
