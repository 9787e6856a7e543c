package cli

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/imrbot/imrbot/store"
)

// SiteCmd is `imrbot site ...`.
type SiteCmd struct {
	Add  SiteAddCmd  `cmd:"" help:"Add a site and print what was added."`
	List SiteListCmd `cmd:"" help:"List the sites: a header line, then code, name and time zone, tab-separated."`
}

// SiteAddCmd is `imrbot site add CODE --name NAME`.
type SiteAddCmd struct {
	Code string `arg:"" help:"Short upper-case site code, e.g. OSL; it starts every participant code."`
	Name string `required:"" help:"The service's name."`
}

var siteCode = regexp.MustCompile(`^[A-Z][A-Z0-9]{1,9}$`)

// Run adds the site and prints one line saying what it added, with the
// time zone its dates are read in.
func (c *SiteAddCmd) Run(app *App) error {
	if !siteCode.MatchString(c.Code) {
		return Usagef("site code %q: use 2 to 10 upper-case letters and digits, starting with a letter", c.Code)
	}
	if strings.TrimSpace(c.Name) == "" {
		return Usagef("--name must not be empty")
	}
	if strings.ContainsAny(c.Name, "\t\r\n") {
		return Usagef("--name must be one line without tabs: site list prints it in a tab-separated column")
	}
	st, err := app.Store(app.Context)
	if err != nil {
		return err
	}
	if err := st.AddSite(app.Context, c.Code, strings.TrimSpace(c.Name)); err != nil {
		if errors.Is(err, store.ErrSiteExists) {
			return Usagef("site %s already exists", c.Code)
		}
		return err
	}
	if err := st.Audit(app.Context, "cli", "site.add", nil, map[string]any{"site": c.Code}); err != nil {
		return err
	}
	site, err := st.Site(app.Context, c.Code)
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "added site %s %q (time zone %s)\n", site.Code, site.Name, site.Timezone)
	return nil
}

// SiteListCmd is `imrbot site list`.
type SiteListCmd struct{}

// Run prints a header line and one tab-separated line per site.
func (c *SiteListCmd) Run(app *App) error {
	st, err := app.Store(app.Context)
	if err != nil {
		return err
	}
	sites, err := st.Sites(app.Context)
	if err != nil {
		return err
	}
	fmt.Fprintln(app.Stdout, "code\tname\ttimezone")
	for _, s := range sites {
		fmt.Fprintf(app.Stdout, "%s\t%s\t%s\n", s.Code, s.Name, s.Timezone)
	}
	return nil
}
