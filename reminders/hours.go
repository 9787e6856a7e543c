package reminders

import (
	"fmt"
	"strings"
	"time"
)

// DefaultSendHours is REMINDER_QUIET_HOURS's default: reminders go out
// between 09:00 and 20:00 in the participant's time zone and wait otherwise.
const DefaultSendHours = "09:00-20:00"

// SendHours is the daily span of local time in which reminders may be sent
// (what REMINDER_QUIET_HOURS configures). The zero value allows any time.
type SendHours struct {
	start, end int // minutes after local midnight; start < end when set
	set        bool
}

// ParseSendHours reads "HH:MM-HH:MM". An empty string allows any time of
// day. The span may not cross midnight: a study that wants night-time
// reminders disables the limit instead.
func ParseSendHours(s string) (SendHours, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return SendHours{}, nil
	}
	from, to, ok := strings.Cut(s, "-")
	if !ok {
		return SendHours{}, fmt.Errorf("REMINDER_QUIET_HOURS %q: want HH:MM-HH:MM, e.g. %s", s, DefaultSendHours)
	}
	start, err1 := clockMinutes(from)
	end, err2 := clockMinutes(to)
	if err1 != nil || err2 != nil {
		return SendHours{}, fmt.Errorf("REMINDER_QUIET_HOURS %q: want HH:MM-HH:MM, e.g. %s", s, DefaultSendHours)
	}
	if start >= end {
		return SendHours{}, fmt.Errorf("REMINDER_QUIET_HOURS %q: the start must come before the end on the same day", s)
	}
	return SendHours{start: start, end: end, set: true}, nil
}

func clockMinutes(s string) (int, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		if strings.TrimSpace(s) == "24:00" {
			return 24 * 60, nil
		}
		return 0, err
	}
	return t.Hour()*60 + t.Minute(), nil
}

// String gives the span back as configured ("" when unlimited).
func (h SendHours) String() string {
	if !h.set {
		return ""
	}
	return fmt.Sprintf("%02d:%02d-%02d:%02d", h.start/60, h.start%60, h.end/60, h.end%60)
}

// FirstOn is the earliest moment a reminder may go out on the civil date
// day (year, month and day are read, the rest ignored), in loc. Built with
// time.Date on the local calendar, so a daylight-saving change moves the
// instant, never the local time.
func (h SendHours) FirstOn(day time.Time, loc *time.Location) time.Time {
	y, m, d := day.Date()
	return time.Date(y, m, d, h.start/60, h.start%60, 0, 0, loc)
}

// Next is the earliest moment at or after t that lies within the send
// hours in loc.
func (h SendHours) Next(t time.Time, loc *time.Location) time.Time {
	if !h.set {
		return t
	}
	local := t.In(loc)
	y, m, d := local.Date()
	start := time.Date(y, m, d, h.start/60, h.start%60, 0, 0, loc)
	end := time.Date(y, m, d, h.end/60, h.end%60, 0, 0, loc)
	switch {
	case t.Before(start):
		return start
	case t.Before(end):
		return t
	default:
		return time.Date(y, m, d+1, h.start/60, h.start%60, 0, 0, loc)
	}
}

// Allows reports whether t lies within the send hours in loc.
func (h SendHours) Allows(t time.Time, loc *time.Location) bool {
	return h.Next(t, loc).Equal(t)
}
