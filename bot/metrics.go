package bot

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the Telegram side's Prometheus figures (applying updates
// has its own, conversation.Metrics). They live in a registry the
// caller owns (serve's /metrics), never in a global one.
type Metrics struct {
	updatesApplied  *prometheus.CounterVec
	messagesSent    prometheus.Counter
	tooManyRequests prometheus.Counter
	forbidden       prometheus.Counter
	repliesDropped  prometheus.Counter
}

// NewMetrics creates the metrics and registers them with reg (nil: not
// registered, for tests and benchmarks).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		updatesApplied: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "imrbot_updates_total",
			Help: "Telegram updates received, by outcome (applied, duplicate, stale, ignored, undecodable, failed).",
		}, []string{"outcome"}),
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
	}
	if reg != nil {
		reg.MustRegister(m.updatesApplied, m.messagesSent, m.tooManyRequests, m.forbidden, m.repliesDropped)
	}
	return m
}
