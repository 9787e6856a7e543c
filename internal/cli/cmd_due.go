package cli

import (
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/imrbot/imrbot/reminders"
	"github.com/imrbot/imrbot/store"
)

// DueCmd is `imrbot due [--site CODE]`.
type DueCmd struct {
	Site string `placeholder:"CODE" help:"Only this site's follow-ups."`
}

// Run prints PARTICIPANT_CODE, SITE, TIMEPOINT, DUE_DATE and STATUS (open,
// overdue or unreachable) of every open or overdue follow-up, tab-separated,
// one per line; nothing when there are none.
func (c *DueCmd) Run(app *App) error {
	st, err := app.Store(app.Context)
	if err != nil {
		return err
	}
	sites, err := siteFilter(app, st, c.Site)
	if err != nil {
		return err
	}
	catalog, err := app.Catalog()
	if err != nil {
		return err
	}
	fs, err := reminders.FollowUps(app.Context, st, catalog, sites, app.Now())
	if err != nil {
		return err
	}
	for _, f := range fs {
		fmt.Fprintf(app.Stdout, "%s\t%s\t%s\t%s\t%s\n", f.Code, f.Site, f.Timepoint, f.Due.Format(time.DateOnly), f.Status)
	}
	return nil
}

// siteFilter checks --site: nil for every site, else the one known site.
func siteFilter(app *App, st *store.Store, site string) ([]string, error) {
	if site == "" {
		return nil, nil
	}
	sites, err := st.Sites(app.Context)
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(sites, func(s store.Site) bool { return s.Code == site }) {
		return nil, Usagef("unknown site %q", site)
	}
	return []string{site}, nil
}

// lookupEnv tells an empty variable from an unset one, which
// REMINDER_QUIET_HOURS needs (empty disables the send hours): the injected
// Getenv answers first, the process environment says whether it is set.
func (a *App) lookupEnv(key string) (string, bool) {
	if v := a.Getenv(key); v != "" {
		return v, true
	}
	_, set := os.LookupEnv(key)
	return "", set
}
