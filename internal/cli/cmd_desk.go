package cli

import (
	"errors"
	"fmt"
	"net/url"

	"github.com/imrbot/imrbot/desk"
	"github.com/imrbot/imrbot/store"
)

// DeskCmd is `imrbot desk`: the coordinators' web desk.
type DeskCmd struct {
	Login           DeskLoginCmd  `cmd:"" help:"Print a single-use login link to the desk for a coordinator (valid 10 minutes)."`
	GrantStudyWide  DeskGrantCmd  `cmd:"" name:"grant-study-wide" help:"Let a coordinator see every site on the desk (the study's central team)."`
	RevokeStudyWide DeskRevokeCmd `cmd:"" name:"revoke-study-wide" help:"Let a coordinator see only their own site on the desk again."`
}

// DeskLoginCmd is `imrbot desk login CODE`.
type DeskLoginCmd struct {
	Code string `arg:"" name:"CODE" help:"The coordinator's participant code."`
}

// deskURL reads DESK_URL (default built from LISTEN_ADDR).
func deskURL(app *App) (*url.URL, error) {
	u, err := desk.ParseURL(app.Getenv("DESK_URL"), app.Getenv("LISTEN_ADDR"))
	if err != nil {
		return nil, UsageError{Err: err}
	}
	return u, nil
}

// Run prints the link. Other sessions of the coordinator stay open.
func (c *DeskLoginCmd) Run(app *App) error {
	base, err := deskURL(app)
	if err != nil {
		return err
	}
	st, err := app.Store(app.Context)
	if err != nil {
		return err
	}
	co, err := st.DeskCoordinatorByCode(app.Context, c.Code)
	if errors.Is(err, store.ErrNotFound) {
		return Usagef("unknown participant %q", c.Code)
	} else if err != nil {
		return err
	}
	if !co.MayUseDesk() {
		return Usagef("%s is not a coordinator who may use the desk (coordinators who have not withdrawn may)", c.Code)
	}
	link, err := desk.NewLoginLink(app.Context, st, base, co.ID, app.Now(), cliActor(app))
	if errors.Is(err, store.ErrNotCoordinator) {
		return Usagef("%s is not a coordinator who may use the desk (coordinators who have not withdrawn may)", c.Code)
	} else if err != nil {
		return err
	}
	fmt.Fprintln(app.Stdout, link)
	return nil
}

// DeskGrantCmd is `imrbot desk grant-study-wide CODE`.
type DeskGrantCmd struct {
	Code string `arg:"" name:"CODE" help:"The coordinator's participant code."`
}

// Run grants study-wide access, audited.
func (c *DeskGrantCmd) Run(app *App) error {
	return setStudyWide(app, c.Code, true)
}

// DeskRevokeCmd is `imrbot desk revoke-study-wide CODE`.
type DeskRevokeCmd struct {
	Code string `arg:"" name:"CODE" help:"The coordinator's participant code."`
}

// Run revokes study-wide access, audited.
func (c *DeskRevokeCmd) Run(app *App) error {
	return setStudyWide(app, c.Code, false)
}

func setStudyWide(app *App, code string, on bool) error {
	st, err := app.Store(app.Context)
	if err != nil {
		return err
	}
	err = st.SetStudyWide(app.Context, code, on, app.Now(), cliActor(app))
	if errors.Is(err, store.ErrNotCoordinator) {
		return Usagef("%s is not a coordinator who may use the desk (coordinators who have not withdrawn may)", code)
	} else if err != nil {
		return err
	}
	if on {
		fmt.Fprintf(app.Stdout, "%s now sees every site on the desk\n", code)
	} else {
		fmt.Fprintf(app.Stdout, "%s now sees only their own site on the desk\n", code)
	}
	return nil
}
