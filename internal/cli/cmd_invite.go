package cli

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/imrbot/imrbot/store"
)

// InviteCmd is `imrbot invite`: with flags and no subcommand it creates
// participants (InviteCreateCmd), as it always has; `invite reissue CODE`
// replaces a participant's invitation.
type InviteCmd struct {
	Create  InviteCreateCmd  `cmd:"" default:"withargs" help:"Create participants and print their invitation links (the default: imrbot invite --site ...)."`
	Reissue InviteReissueCmd `cmd:"" help:"Revoke a participant's unused invitation and print a new one; redeeming it moves a linked participant to the new chat."`
}

// InviteCreateCmd is `imrbot invite --site CODE --role ROLE ...`.
type InviteCreateCmd struct {
	Site         string `required:"" help:"Site code."`
	Role         string `required:"" enum:"consumer,clinician,coordinator" help:"consumer, clinician or coordinator."`
	Lang         string `enum:"en,nb," default:"" help:"Chat language (en or nb); default: the participant's Telegram language."`
	BaselineDate string `name:"baseline-date" placeholder:"YYYY-MM-DD" help:"A baseline collected before enrolment."`
	Clinician    string `placeholder:"PARTICIPANT_CODE" help:"The consumer's clinician."`
	Count        int    `default:"1" help:"How many participants to create."`
	Expires      string `default:"30d" help:"How long the invitations stay valid (e.g. 30d, 72h)."`
}

// maxCount bounds one invite run; larger enrolments are several runs.
const maxCount = 10000

// maxExpires bounds --expires: an invitation left open longer than a year
// is a forgotten one, and a bound keeps now+ttl far from overflowing.
const maxExpires = 365 * 24 * time.Hour

// Run creates the participants and prints PARTICIPANT_CODE, INVITE_CODE and
// DEEP_LINK per line.
func (c *InviteCreateCmd) Run(app *App) error {
	np, err := c.validate(app.Now())
	if err != nil {
		return err
	}
	st, err := app.Store(app.Context)
	if err != nil {
		return err
	}
	invitations, err := st.Invite(app.Context, np, c.Count, NewInviteCode)
	switch {
	case errors.Is(err, store.ErrUnknownSite):
		return Usagef("unknown site %q: add it with `imrbot site add`", c.Site)
	case errors.Is(err, store.ErrBadClinician):
		return Usagef("--clinician %q: no clinician with that code at site %s", c.Clinician, c.Site)
	case err != nil:
		return err
	}
	username := app.botUsername()
	for _, inv := range invitations {
		printInvitation(app, username, inv)
	}
	return nil
}

// printInvitation prints invite's line: PARTICIPANT_CODE, INVITE_CODE and
// DEEP_LINK, tab-separated.
func printInvitation(app *App, username string, inv store.Invitation) {
	fmt.Fprintf(app.Stdout, "%s\t%s\t%s\n", inv.ParticipantCode, inv.InviteCode, DeepLink(username, inv.InviteCode))
}

func (c *InviteCreateCmd) validate(now time.Time) (store.NewParticipant, error) {
	np := store.NewParticipant{Site: c.Site, Role: c.Role, Lang: c.Lang, ClinicianCode: c.Clinician}
	if c.Count < 1 || c.Count > maxCount {
		return np, Usagef("--count %d: must be between 1 and %d", c.Count, maxCount)
	}
	if c.Clinician != "" && c.Role != "consumer" {
		return np, Usagef("--clinician applies only to --role consumer")
	}
	if c.BaselineDate != "" {
		d, err := time.Parse(time.DateOnly, c.BaselineDate)
		if err != nil {
			return np, Usagef("--baseline-date %q: want a date as YYYY-MM-DD", c.BaselineDate)
		}
		if d.After(now) {
			return np, Usagef("--baseline-date %s is in the future", c.BaselineDate)
		}
		np.BaselineDate = &d
	}
	ttl, err := ParseDays(c.Expires)
	if err != nil || ttl <= 0 || ttl > maxExpires {
		return np, Usagef("--expires %q: want a positive duration of at most 365d, such as 30d or 72h", c.Expires)
	}
	np.InviteExpires = now.Add(ttl)
	return np, nil
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

// unknownBot stands in for the bot's username before serve has learnt it.
const unknownBot = "YOUR_BOT"

// DeepLink is the link that opens the bot with /start CODE.
func DeepLink(username, code string) string {
	return "https://t.me/" + url.PathEscape(username) + "?start=" + code
}

// botUsername is TELEGRAM_BOT_USERNAME, else the one serve learnt from getMe.
func (a *App) botUsername() string {
	if u := strings.TrimPrefix(a.Getenv("TELEGRAM_BOT_USERNAME"), "@"); u != "" {
		return u
	}
	if a.store != nil {
		if u, err := a.store.Setting(a.Context, store.SettingBotUsername); err == nil && u != "" {
			return u
		}
	}
	a.Logger.Warn("bot username unknown: set TELEGRAM_BOT_USERNAME or run serve once; deep links use " + unknownBot)
	return unknownBot
}

// InviteReissueCmd is `imrbot invite reissue CODE`.
type InviteReissueCmd struct {
	Code    string `arg:"" placeholder:"PARTICIPANT_CODE" help:"The participant."`
	Expires string `default:"30d" help:"How long the new invitation stays valid (e.g. 30d, 72h)."`
}

// Run revokes the participant's unused invitation and prints a new line in
// invite's format. For a participant linked to a chat (a lost phone, a new
// Telegram account), redeeming the new link moves them to the new chat and
// the old one loses access. Audited; a participant who withdrew is refused.
func (c *InviteReissueCmd) Run(app *App) error {
	now := app.Now()
	ttl, err := ParseDays(c.Expires)
	if err != nil || ttl <= 0 || ttl > maxExpires {
		return Usagef("--expires %q: want a positive duration of at most 365d, such as 30d or 72h", c.Expires)
	}
	st, err := app.Store(app.Context)
	if err != nil {
		return err
	}
	inv, _, err := st.Reissue(app.Context, c.Code, now, now.Add(ttl), NewInviteCode, "cli")
	switch {
	case errors.Is(err, store.ErrNotFound):
		return Usagef("unknown participant %q", c.Code)
	case errors.Is(err, store.ErrErased):
		return fmt.Errorf("participant %s withdrew and their answers were erased, so their invitation cannot be reissued", c.Code)
	case errors.Is(err, store.ErrAlreadyWithdrawn):
		return fmt.Errorf("participant %s has withdrawn, so their invitation cannot be reissued", c.Code)
	case err != nil:
		return err
	}
	printInvitation(app, app.botUsername(), inv)
	return nil
}
