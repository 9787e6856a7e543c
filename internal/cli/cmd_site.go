package cli

import (
	"errors"
	"regexp"
	"strings"

	"github.com/imrbot/imrbot/store"
)

// SiteCmd is `imrbot site ...`.
type SiteCmd struct {
	Add SiteAddCmd `cmd:"" help:"Add a site."`
}

// SiteAddCmd is `imrbot site add CODE --name NAME`.
type SiteAddCmd struct {
	Code string `arg:"" help:"Short upper-case site code, e.g. OSL; it starts every participant code."`
	Name string `required:"" help:"The service's name."`
}

var siteCode = regexp.MustCompile(`^[A-Z][A-Z0-9]{1,9}$`)

// Run adds the site.
func (c *SiteAddCmd) Run(app *App) error {
	if !siteCode.MatchString(c.Code) {
		return Usagef("site code %q: use 2 to 10 upper-case letters and digits, starting with a letter", c.Code)
	}
	if strings.TrimSpace(c.Name) == "" {
		return Usagef("--name must not be empty")
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
	return st.Audit(app.Context, "cli", "site.add", nil, map[string]any{"site": c.Code})
}
