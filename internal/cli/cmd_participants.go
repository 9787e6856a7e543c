package cli

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// ParticipantsCmd is `imrbot participants [--site CODE] [--status STATUS]`.
type ParticipantsCmd struct {
	Site   string `placeholder:"CODE" help:"Only this site's participants."`
	Status string `placeholder:"STATUS" help:"Only participants with this status: invited, expired, declined, active, unreachable or withdrawn."`
}

// Run prints a header line and one tab-separated line per participant:
// code, site, role, status (questionnaires.RosterStatus), baseline date
// (empty when none) and whether a chat is linked (yes or no).
func (c *ParticipantsCmd) Run(app *App) error {
	if c.Status != "" && !slices.Contains(questionnaires.RosterStatuses, c.Status) {
		return Usagef("--status %q: want one of %s", c.Status, strings.Join(questionnaires.RosterStatuses, ", "))
	}
	st, err := app.Store(app.Context)
	if err != nil {
		return err
	}
	roster, err := st.Roster(app.Context, c.Site)
	if errors.Is(err, store.ErrUnknownSite) {
		return Usagef("unknown site %q: add it with `imrbot site add`", c.Site)
	} else if err != nil {
		return err
	}
	now := app.Now()
	fmt.Fprintln(app.Stdout, "code\tsite\trole\tstatus\tbaseline_date\tlinked")
	for _, p := range roster {
		status := questionnaires.RosterStatus(p.Facts(), now)
		if c.Status != "" && status != c.Status {
			continue
		}
		baseline := ""
		if p.BaselineDate.Valid {
			baseline = p.BaselineDate.Time.Format(time.DateOnly)
		}
		linked := "no"
		if p.Linked {
			linked = "yes"
		}
		fmt.Fprintf(app.Stdout, "%s\t%s\t%s\t%s\t%s\t%s\n", p.Code, p.Site, p.Role, status, baseline, linked)
	}
	return nil
}
