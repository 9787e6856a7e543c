package reminders

import (
	"fmt"
	"time"
)

// Config is the dispatcher's environment.
type Config struct {
	Interval time.Duration // REMINDER_INTERVAL, default 1m
	Hours    SendHours     // REMINDER_QUIET_HOURS, default 09:00-20:00; set but empty: any time
}

// ReadConfig reads REMINDER_INTERVAL and REMINDER_QUIET_HOURS through
// lookup, which must tell an empty variable from an unset one.
func ReadConfig(lookup func(string) (string, bool)) (Config, error) {
	cfg := Config{Interval: DefaultInterval}
	if v, ok := lookup("REMINDER_INTERVAL"); ok && v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return cfg, fmt.Errorf("REMINDER_INTERVAL %q: want a positive duration such as 1m", v)
		}
		cfg.Interval = d
	}
	hours, set := lookup("REMINDER_QUIET_HOURS")
	if !set {
		hours = DefaultSendHours
	}
	h, err := ParseSendHours(hours)
	if err != nil {
		return cfg, err
	}
	cfg.Hours = h
	return cfg, nil
}
