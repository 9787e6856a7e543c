// Package pgtest gives each test package a fresh, migrated PostgreSQL
// database of its own (pkgsite's pattern), so packages test in parallel and
// never see each other's rows.
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
//	func TestX(t *testing.T) { st := pgtest.Store(t) ... }
//
// The server comes from DATABASE_URL (default: postgres@127.0.0.1:5432).
// Without a server the database tests skip, except under CI=true, where
// they fail: CI must never pass by testing nothing.
//
// It is the one place outside store/ where tests reach the database
// directly: Count, Int, Exec and the rest of DB look at rows and set up
// states the store has no method for; NewDatabase gives a test a database
// of its own; Kept one that outlives the run (a benchmark's seed).
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/imrbot/imrbot/store"
)

// DefaultURL is the server tried when DATABASE_URL is unset.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

var (
	dbURL   string // the package's own database, "" when none could be had
	skipWhy string
	shared  *store.Store
	pkg     *DB     // the package database, for truncation and counting
	admin   string  // URL of the server's maintenance database
	adminDB *sql.DB // connected to admin, for the databases NewDatabase makes
	dbName  string
	dbSeq   atomic.Int64
)

// Main creates and migrates the package's database, runs the tests, and
// drops the database again.
func Main(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	ctx := context.Background()
	if err := setUp(ctx); err != nil {
		if os.Getenv("CI") == "true" {
			fmt.Fprintf(os.Stderr, "pgtest: no database under CI: %v\n", err)
			return 1
		}
		skipWhy = fmt.Sprintf("no PostgreSQL: %v", err)
	}
	code := m.Run()
	if shared != nil {
		shared.Close()
		pkg.raw.Close()
	}
	if adminDB != nil {
		dropDatabase(ctx, dbName)
		adminDB.Close()
	}
	return code
}

func setUp(ctx context.Context) error {
	admin = os.Getenv("DATABASE_URL")
	if admin == "" {
		admin = DefaultURL
	}
	u, err := url.Parse(admin)
	if err != nil {
		return fmt.Errorf("parse DATABASE_URL: %w", err)
	}
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	dir := strings.NewReplacer("-", "_", ".", "_").Replace(filepath.Base(mustWd()))
	dbName = fmt.Sprintf("imrbot_test_%s_%s", dir, hex.EncodeToString(rnd[:]))

	db, err := sql.Open("postgres", admin)
	if err != nil {
		return err
	}
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := db.ExecContext(cctx, "CREATE DATABASE "+pq.QuoteIdentifier(dbName)); err != nil {
		db.Close()
		return fmt.Errorf("create database: %w", err)
	}
	adminDB = db
	u.Path = "/" + dbName
	pkgURL := u.String()
	st, err := store.Open(ctx, pkgURL)
	if err != nil {
		return err
	}
	if _, err := st.Migrate(ctx); err != nil {
		st.Close()
		return err
	}
	raw, err := sql.Open("postgres", pkgURL)
	if err != nil {
		st.Close()
		return err
	}
	shared, pkg, dbURL = st, &DB{URL: pkgURL, raw: raw}, pkgURL
	return nil
}

func dropDatabase(ctx context.Context, name string) error {
	_, err := adminDB.ExecContext(ctx, "DROP DATABASE IF EXISTS "+pq.QuoteIdentifier(name)+" WITH (FORCE)")
	return err
}

func mustWd() string {
	wd, err := os.Getwd()
	if err != nil {
		return "pkg"
	}
	return wd
}

// URL returns the package database's URL, truncating every table first, or
// skips the test when there is no database.
func URL(t testing.TB) string {
	t.Helper()
	if dbURL == "" {
		t.Skip(skipWhy)
	}
	pkg.truncate(t)
	return dbURL
}

// Store returns the package's migrated store with every table emptied.
func Store(t testing.TB) *store.Store {
	t.Helper()
	URL(t)
	return shared
}

// NewDatabase creates an empty database, not migrated, beside the
// package's and drops it when the test ends: for tests that run in
// parallel against databases of their own, or that start from nothing (a
// binary that migrates, a command that must leave no table behind). It
// skips the test when there is no server.
func NewDatabase(t testing.TB) *DB {
	t.Helper()
	if dbURL == "" {
		t.Skip(skipWhy)
	}
	name := fmt.Sprintf("%s_%d", dbName, dbSeq.Add(1))
	if _, err := adminDB.Exec("CREATE DATABASE " + pq.QuoteIdentifier(name)); err != nil {
		t.Fatalf("pgtest: create database %s: %v", name, err)
	}
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	raw, err := sql.Open("postgres", u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		raw.Close()
		if err := dropDatabase(context.Background(), name); err != nil {
			t.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	return &DB{URL: u.String(), raw: raw}
}

// Kept returns the URL of a database that outlives the run (a benchmark's
// seeded data, say), creating it when missing and first dropping it when
// recreate is set. It needs no TestMain: it reads DATABASE_URL itself.
func Kept(ctx context.Context, name string, recreate bool) (string, error) {
	server := os.Getenv("DATABASE_URL")
	if server == "" {
		server = DefaultURL
	}
	u, err := url.Parse(server)
	if err != nil {
		return "", fmt.Errorf("pgtest.Kept: parse DATABASE_URL: %w", err)
	}
	db, err := sql.Open("postgres", server)
	if err != nil {
		return "", fmt.Errorf("pgtest.Kept: %w", err)
	}
	defer db.Close()
	quoted := pq.QuoteIdentifier(name)
	if recreate {
		if _, err := db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+quoted+" WITH (FORCE)"); err != nil {
			return "", fmt.Errorf("pgtest.Kept: drop %s: %w", name, err)
		}
	}
	var exists bool
	if err := db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", fmt.Errorf("pgtest.Kept: %w", err)
	}
	if !exists {
		if _, err := db.ExecContext(ctx, "CREATE DATABASE "+quoted); err != nil {
			return "", fmt.Errorf("pgtest.Kept: create %s: %w", name, err)
		}
	}
	u.Path = "/" + name
	return u.String(), nil
}
