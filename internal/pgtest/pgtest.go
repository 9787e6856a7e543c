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
	raw     *sql.DB // the package database, for truncation and counting
	admin   string  // URL of the server's maintenance database
	dbName  string
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
		raw.Close()
		dropDatabase(ctx)
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
	pkg := strings.NewReplacer("-", "_", ".", "_").Replace(filepath.Base(mustWd()))
	dbName = fmt.Sprintf("imrbot_test_%s_%s", pkg, hex.EncodeToString(rnd[:]))

	db, err := sql.Open("postgres", admin)
	if err != nil {
		return err
	}
	defer db.Close()
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := db.ExecContext(cctx, "CREATE DATABASE "+pq.QuoteIdentifier(dbName)); err != nil {
		return fmt.Errorf("create database: %w", err)
	}
	u.Path = "/" + dbName
	dbURL = u.String()
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	if _, err := st.Migrate(ctx); err != nil {
		st.Close()
		return err
	}
	shared = st
	raw, err = sql.Open("postgres", dbURL)
	return err
}

func dropDatabase(ctx context.Context) {
	db, err := sql.Open("postgres", admin)
	if err != nil {
		return
	}
	defer db.Close()
	_, _ = db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+pq.QuoteIdentifier(dbName)+" WITH (FORCE)")
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
	truncate(t)
	return dbURL
}

// Store returns the package's migrated store with every table emptied.
func Store(t testing.TB) *store.Store {
	t.Helper()
	URL(t)
	return shared
}

// truncate empties every table but goose's.
func truncate(t testing.TB) {
	t.Helper()
	_, err := raw.Exec(`DO $$ DECLARE r record; BEGIN
		FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'goose_db_version' LOOP
			EXECUTE 'TRUNCATE TABLE ' || quote_ident(r.tablename) || ' RESTART IDENTITY CASCADE';
		END LOOP; END $$`)
	if err != nil {
		t.Fatalf("pgtest: truncate: %v", err)
	}
}

// Count returns the number of rows in table, for tests that check a bad
// input wrote nothing.
func Count(t testing.TB, table string) int {
	t.Helper()
	var n int
	if err := raw.QueryRow("SELECT count(*) FROM " + pq.QuoteIdentifier(table)).Scan(&n); err != nil {
		t.Fatalf("pgtest.Count(%q): %v", table, err)
	}
	return n
}

// Int runs a query that returns one integer against the package database.
func Int(t testing.TB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := raw.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("pgtest.Int: %v", err)
	}
	return n
}

// Exec runs one statement against the package database, for test set-ups
// the store has no method for (moving a clock-dependent date, say).
func Exec(t testing.TB, query string, args ...any) {
	t.Helper()
	if _, err := raw.Exec(query, args...); err != nil {
		t.Fatalf("pgtest.Exec: %v", err)
	}
}

// CountAll returns the row count of every table but goose's, to show that
// something stored nothing at all.
func CountAll(t testing.TB) map[string]int {
	t.Helper()
	rows, err := raw.Query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'goose_db_version' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	out := map[string]int{}
	for _, name := range tables {
		out[name] = Count(t, name)
	}
	return out
}

// Dump returns every row of table as text, for tests that look for data
// that must not be stored (a Telegram id, an invite code in clear).
func Dump(t testing.TB, table string) []string {
	t.Helper()
	rows, err := raw.Query("SELECT t::text FROM " + pq.QuoteIdentifier(table) + " t")
	if err != nil {
		t.Fatalf("pgtest.Dump(%q): %v", table, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}
