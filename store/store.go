// Package store owns imrbot's PostgreSQL database: the schema and its
// migrations, every SQL statement, and the transactions that keep an answer
// and the state change it causes together. No other package writes SQL.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	neturl "net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var migrations embed.FS

// connectTimeout bounds how long Open waits for an unreachable database, so
// a wrong DATABASE_URL is a clear error within seconds, not a hang.
const connectTimeout = 8 * time.Second

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("not found")

// ErrSchemaTooNew is returned when the database was migrated by a newer
// imrbot than this one; running against it could corrupt data.
var ErrSchemaTooNew = errors.New("database schema is newer than this imrbot")

// Store is the database. It is safe for concurrent use.
type Store struct {
	db *sqlx.DB
}

// Open connects to the database at url and checks that it answers. Its
// errors never carry url's password: they are printed and logged.
func Open(ctx context.Context, url string) (_ *Store, err error) {
	redacted, password := redactPassword(url)
	defer hidePassword(&err, password) // runs last, after wrap
	defer wrap(&err, "store.Open")
	connector, err := pq.NewConnector(url)
	if err != nil {
		if password == "" {
			return nil, fmt.Errorf("bad DATABASE_URL: %w", err)
		}
		// The parse error quotes the URL, password and all. The same URL
		// with the password masked fails the same way, unless the password
		// itself is what is malformed.
		if _, rerr := pq.NewConnector(redacted); rerr != nil {
			return nil, fmt.Errorf("bad DATABASE_URL: %w", rerr)
		}
		return nil, errors.New("bad DATABASE_URL: its password is malformed (percent-encode characters such as @ : / ? # %)")
	}
	db := sqlx.NewDb(sql.OpenDB(connector), "postgres")
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(20)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		db.Close()
		if pingCtx.Err() != nil {
			return nil, fmt.Errorf("database did not answer within %s: %w", connectTimeout, err)
		}
		return nil, fmt.Errorf("cannot reach database: %w", err)
	}
	return &Store{db: db}, nil
}

// maskedPassword stands in for a password in what Open reports.
const maskedPassword = "xxxxx"

// keywordPassword is the password of a keyword/value connection string
// (password=secret or password='a secret').
var keywordPassword = regexp.MustCompile(`(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'?|[^\s']\S*)`)

// redactPassword returns url with its password masked, and the password as
// written there ("" when it has none). It does not need url to parse: a
// malformed URL is exactly the one whose error would echo it. In URL form
// the user information runs to the last '@', so that a password holding
// an unescaped '@' is masked whole.
func redactPassword(url string) (redacted, password string) {
	if scheme, rest, ok := strings.Cut(url, "://"); ok {
		at := strings.LastIndex(rest, "@")
		if at < 0 {
			return url, ""
		}
		user, pw, ok := strings.Cut(rest[:at], ":")
		if !ok || pw == "" {
			return url, ""
		}
		return scheme + "://" + user + ":" + maskedPassword + rest[at:], pw
	}
	m := keywordPassword.FindStringSubmatchIndex(url)
	if m == nil || m[5] == m[4] {
		return url, ""
	}
	return url[:m[4]] + maskedPassword + url[m[5]:], url[m[4]:m[5]]
}

// hidePassword replaces a non-nil *errp whose message shows password, or
// a piece of it, by the message with those masked. It drops the error
// chain on purpose: a wrapped error would still print the password. The
// pieces are what a parser may quote when an unescaped '/', '?' or '#'
// in the password ends the URL's authority early.
func hidePassword(errp *error, password string) {
	if *errp == nil || password == "" {
		return
	}
	secrets := []string{password, strings.Trim(password, "'")}
	if s, err := neturl.PathUnescape(password); err == nil {
		secrets = append(secrets, s)
	}
	for _, piece := range strings.FieldsFunc(password, func(r rune) bool { return strings.ContainsRune("/?#'", r) }) {
		if len(piece) >= 3 { // shorter ones give nothing away and would garble the message
			secrets = append(secrets, piece)
		}
	}
	slices.SortFunc(secrets, func(a, b string) int { return len(b) - len(a) }) // longest first
	msg := (*errp).Error()
	masked := msg
	for _, s := range secrets {
		if s != "" {
			masked = strings.ReplaceAll(masked, s, maskedPassword)
		}
	}
	if masked != msg {
		*errp = errors.New(masked)
	}
}

// Close releases the connection pool.
func (s *Store) Close() error { return s.db.Close() }

// Ping checks the database answers, for /healthz.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

func (s *Store) migrator() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	// The session lock lets several serve processes start at once: one
	// migrates, the others wait and then find nothing to do.
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(goose.DialectPostgres, s.db.DB, sub,
		goose.WithSessionLocker(locker), goose.WithDisableGlobalRegistry(true))
}

// Migrate applies pending migrations. Applying them twice is a no-op; a
// database migrated by a newer imrbot is refused with ErrSchemaTooNew.
func (s *Store) Migrate(ctx context.Context) (applied int, err error) {
	defer wrap(&err, "Store.Migrate")
	p, err := s.migrator()
	if err != nil {
		return 0, err
	}
	if err := checkNotNewer(ctx, p); err != nil {
		return 0, err
	}
	res, err := p.Up(ctx)
	return len(res), err
}

func checkNotNewer(ctx context.Context, p *goose.Provider) error {
	current, err := p.GetDBVersion(ctx)
	if err != nil {
		return err
	}
	sources := p.ListSources()
	known := int64(0)
	if len(sources) > 0 {
		known = sources[len(sources)-1].Version
	}
	if current <= known {
		return nil
	}
	// A database that lacks a version this binary has was not migrated by
	// a newer imrbot but by a development build from before the
	// migrations were folded into one file per table group (versions 10
	// to 40): no upgrade can run against it.
	statuses, err := p.Status(ctx)
	if err != nil {
		return err
	}
	for _, st := range statuses {
		if st.State != goose.StateApplied {
			return fmt.Errorf("database at version %d was migrated by a development build of imrbot whose migrations have since been folded: drop it and run imrbot migrate", current)
		}
	}
	return fmt.Errorf("%w (database at version %d, this binary knows up to %d): upgrade imrbot", ErrSchemaTooNew, current, known)
}

// Tx is a transaction. Methods on Tx run inside it.
type Tx struct {
	tx *sqlx.Tx
}

// InTx runs fn in a transaction, committing when it returns nil and rolling
// back otherwise. It retries serialization failures and deadlocks, which
// row locks across several serve processes can cause.
func (s *Store) InTx(ctx context.Context, fn func(*Tx) error) (err error) {
	for attempt := 0; ; attempt++ {
		err = s.inTxOnce(ctx, fn)
		if err == nil || attempt >= 4 || !retryable(err) {
			return err
		}
	}
}

func (s *Store) inTxOnce(ctx context.Context, fn func(*Tx) error) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(&Tx{tx: tx}); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func retryable(err error) bool {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		switch pqErr.Code {
		case "40001", "40P01": // serialization_failure, deadlock_detected
			return true
		}
	}
	return false
}

// isUniqueViolation reports whether err is a unique-key violation.
func isUniqueViolation(err error) bool {
	var pqErr *pq.Error
	return errors.As(err, &pqErr) && pqErr.Code == "23505"
}

// wrap prefixes a non-nil *errp with its call site, keeping it unwrappable
// with errors.Is and errors.As (pkgsite's derrors.Wrap).
func wrap(errp *error, format string, args ...any) {
	if *errp != nil {
		*errp = fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), *errp)
	}
}

// querier is what both *sqlx.DB and *sqlx.Tx offer, so read methods can
// run inside or outside a transaction.
type querier interface {
	sqlx.ExtContext
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
}

var (
	_ querier = (*sqlx.DB)(nil)
	_ querier = (*sqlx.Tx)(nil)
)

// notFound maps sql.ErrNoRows to ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}
