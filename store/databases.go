package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	neturl "net/url"
	"time"

	"github.com/lib/pq"
)

// CreateDatabase creates an empty database called name on the server that
// serverURL (a postgres:// URL) reaches, and returns the URL of the new
// database: a rehearsal runs in a database of its own, never the study's.
func CreateDatabase(ctx context.Context, serverURL, name string) (_ string, err error) {
	redacted, password := redactPassword(serverURL)
	defer hidePassword(&err, password)
	defer wrap(&err, "store.CreateDatabase(%q)", name)
	u, err := neturl.Parse(serverURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", fmt.Errorf("DATABASE_URL %s: want a postgres:// URL", redacted)
	}
	if err := onServer(ctx, serverURL, "CREATE DATABASE "+pq.QuoteIdentifier(name)); err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

// DropDatabase drops the database called name on the server that
// serverURL reaches, closing any connection still open to it.
func DropDatabase(ctx context.Context, serverURL, name string) (err error) {
	_, password := redactPassword(serverURL)
	defer hidePassword(&err, password)
	defer wrap(&err, "store.DropDatabase(%q)", name)
	return onServer(ctx, serverURL, "DROP DATABASE IF EXISTS "+pq.QuoteIdentifier(name)+" WITH (FORCE)")
}

// onServer runs one statement that cannot run in a transaction (CREATE and
// DROP DATABASE) on a connection of its own.
func onServer(ctx context.Context, serverURL, statement string) error {
	connector, err := pq.NewConnector(serverURL)
	if err != nil {
		return fmt.Errorf("bad DATABASE_URL: %w", err)
	}
	db := sql.OpenDB(connector)
	defer db.Close()
	cctx, cancel := context.WithTimeout(ctx, connectTimeout+10*time.Second)
	defer cancel()
	if _, err := db.ExecContext(cctx, statement); err != nil {
		if errors.Is(cctx.Err(), context.DeadlineExceeded) {
			return fmt.Errorf("database did not answer within %s: %w", connectTimeout, err)
		}
		return err
	}
	return nil
}
