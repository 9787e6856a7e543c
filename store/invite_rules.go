package store

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// This file holds the rules an invitation request must meet, whoever
// asks: `imrbot invite`'s flags and the desk's form check the same
// request here, so that both refuse the same input for the same reason.
// It also makes the invite codes and the deep links that carry them.

// MaxInviteCount bounds one invitation run; larger enrolments are several.
const MaxInviteCount = 10000

// MaxInviteExpires bounds an invitation's validity: one left open longer
// than a year is a forgotten one, and a bound keeps now+ttl far from
// overflowing.
const MaxInviteExpires = 365 * 24 * time.Hour

// InviteRoles and InviteLangs are the roles and chat languages an
// invitation may carry ("" lets the chat use the Telegram app's language).
var (
	InviteRoles = []string{"consumer", "clinician", "coordinator", "assessor"}
	InviteLangs = []string{"", "en", "nb"}
)

// InviteRequest is an invitation as a person asks for it, every value as
// typed.
type InviteRequest struct {
	Site, Role, Lang string
	BaselineDate     string // YYYY-MM-DD or ""
	Clinician        string // the consumer's clinician's code or ""
	Count            int
	Expires          string // a duration or whole days (ParseDays), such as 30d
}

// InviteError is a request the rules refuse: the field at fault (named as
// the CLI's flag: count, clinician, baseline-date, expires, role, lang)
// and why, in words that follow the field's name.
type InviteError struct {
	Field, Problem string
}

func (e *InviteError) Error() string { return e.Field + " " + e.Problem }

// expiresProblem is why an invitation's validity is refused.
const expiresProblem = "want a positive duration of at most 365d, such as 30d or 72h"

// Check applies the rules at now and turns the request into the
// participants to create; an *InviteError says what is wrong. Whether the
// site and the clinician exist is Invite's to say (ErrUnknownSite,
// ErrBadClinician).
func (r InviteRequest) Check(now time.Time) (NewParticipant, error) {
	np := NewParticipant{Site: r.Site, Role: r.Role, Lang: r.Lang, ClinicianCode: r.Clinician}
	if !slices.Contains(InviteRoles, r.Role) {
		return np, &InviteError{"role", fmt.Sprintf("%q: want one of %s", r.Role, strings.Join(InviteRoles, ", "))}
	}
	if !slices.Contains(InviteLangs, r.Lang) {
		return np, &InviteError{"lang", fmt.Sprintf("%q: want en, nb or none", r.Lang)}
	}
	if r.Count < 1 || r.Count > MaxInviteCount {
		return np, &InviteError{"count", fmt.Sprintf("%d: must be between 1 and %d", r.Count, MaxInviteCount)}
	}
	if r.Clinician != "" && r.Role != "consumer" {
		return np, &InviteError{"clinician", "applies only to the role consumer"}
	}
	if r.BaselineDate != "" {
		d, err := time.Parse(time.DateOnly, r.BaselineDate)
		if err != nil {
			return np, &InviteError{"baseline-date", fmt.Sprintf("%q: want a date as YYYY-MM-DD", r.BaselineDate)}
		}
		if d.After(now) {
			return np, &InviteError{"baseline-date", r.BaselineDate + " is in the future"}
		}
		np.BaselineDate = &d
	}
	ttl, err := InviteTTL(r.Expires)
	if err != nil {
		return np, err
	}
	np.InviteExpires = now.Add(ttl)
	return np, nil
}

// InviteTTL parses how long an invitation stays valid (ParseDays), within
// MaxInviteExpires; an *InviteError for the field expires when it is not.
func InviteTTL(s string) (time.Duration, error) {
	ttl, err := ParseDays(s)
	if err != nil || ttl <= 0 || ttl > MaxInviteExpires {
		return 0, &InviteError{"expires", fmt.Sprintf("%q: %s", s, expiresProblem)}
	}
	return ttl, nil
}

// ParseDays parses a Go duration, also accepting whole days ("30d"). Like
// time.ParseDuration it refuses a number of days that does not fit in a
// Duration rather than wrapping around.
func ParseDays(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseInt(days, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("ParseDays %q: %w", s, err)
		}
		const day = 24 * time.Hour
		if n > math.MaxInt64/int64(day) || n < math.MinInt64/int64(day) {
			return 0, fmt.Errorf("ParseDays %q: too many days for a duration", s)
		}
		return time.Duration(n) * day, nil
	}
	return time.ParseDuration(s)
}

// NewInviteCode returns 192 random bits as 32 URL-safe characters, within
// Telegram's 64-character deep-link payload of [A-Za-z0-9_-].
func NewInviteCode() (string, error) {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// DeepLink is the link that opens the bot called username with /start
// code: what an invitation hands the participant.
func DeepLink(username, code string) string {
	return "https://t.me/" + url.PathEscape(username) + "?start=" + code
}
