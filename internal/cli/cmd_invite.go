package cli

import (
	"errors"
	"fmt"
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
	Role         string `required:"" enum:"consumer,clinician,coordinator,assessor" help:"consumer, clinician, coordinator or assessor (an external fidelity rater: invited at a site for administration, rates every site and clinician)."`
	Lang         string `enum:"en,nb," default:"" help:"Chat language (en or nb); default: the participant's Telegram language."`
	BaselineDate string `name:"baseline-date" placeholder:"YYYY-MM-DD" help:"A baseline collected before enrolment."`
	Clinician    string `placeholder:"PARTICIPANT_CODE" help:"The consumer's clinician."`
	Count        int    `default:"1" help:"How many participants to create."`
	Expires      string `default:"30d" help:"How long the invitations stay valid (e.g. 30d, 72h)."`
}

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
	invitations, err := st.Invite(app.Context, np, c.Count, store.NewInviteCode)
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

// validate checks the flags by store's invitation rules, each refusal
// naming its flag.
func (c *InviteCreateCmd) validate(now time.Time) (store.NewParticipant, error) {
	np, err := store.InviteRequest{Site: c.Site, Role: c.Role, Lang: c.Lang, BaselineDate: c.BaselineDate,
		Clinician: c.Clinician, Count: c.Count, Expires: c.Expires}.Check(now)
	return np, flagError(err)
}

// flagError turns store's refusal of an invitation into a usage error
// that names the flag.
func flagError(err error) error {
	var ie *store.InviteError
	if errors.As(err, &ie) {
		return Usagef("--%s", ie.Error())
	}
	return err
}

// ParseDays parses a Go duration, also accepting whole days ("30d"), as
// store.ParseDays does.
func ParseDays(s string) (time.Duration, error) { return store.ParseDays(s) }

// NewInviteCode makes a fresh invite code, as store.NewInviteCode does.
func NewInviteCode() (string, error) { return store.NewInviteCode() }

// unknownBot stands in for the bot's username before serve has learnt it.
const unknownBot = "YOUR_BOT"

// DeepLink is the link that opens the bot with /start CODE (store.DeepLink).
func DeepLink(username, code string) string { return store.DeepLink(username, code) }

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
	ttl, err := store.InviteTTL(c.Expires)
	if err != nil {
		return flagError(err)
	}
	st, err := app.Store(app.Context)
	if err != nil {
		return err
	}
	inv, _, err := st.Reissue(app.Context, c.Code, now, now.Add(ttl), store.NewInviteCode, "cli")
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
