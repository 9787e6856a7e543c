package cli

import (
	"fmt"

	"github.com/imrbot/imrbot/store"
)

// MigrateCmd is `imrbot migrate`.
type MigrateCmd struct{}

// Run applies pending migrations; a second run is a no-op.
func (c *MigrateCmd) Run(app *App) error {
	st, err := store.Open(app.Context, app.DatabaseURL())
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := st.Migrate(app.Context)
	if err != nil {
		return err
	}
	if n == 0 {
		fmt.Fprintln(app.Stdout, "database is up to date")
	} else {
		fmt.Fprintf(app.Stdout, "applied %d migrations\n", n)
	}
	return nil
}
