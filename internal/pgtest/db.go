package pgtest

import (
	"context"
	"database/sql"
	"testing"

	"github.com/lib/pq"
)

// DB is one test database: the package's own (the functions of the same
// names use it) or one NewDatabase made. Its methods are how tests outside
// store/ look at rows the store has no method for, so that they write no
// database code of their own.
type DB struct {
	URL string // for a process or a store the test opens on it
	raw *sql.DB
}

// truncate empties every table but goose's.
func (d *DB) truncate(t testing.TB) {
	t.Helper()
	_, err := d.raw.Exec(`DO $$ DECLARE r record; BEGIN
		FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'goose_db_version' LOOP
			EXECUTE 'TRUNCATE TABLE ' || quote_ident(r.tablename) || ' RESTART IDENTITY CASCADE';
		END LOOP; END $$`)
	if err != nil {
		t.Fatalf("pgtest: truncate: %v", err)
	}
}

// Count returns the number of rows in table, for tests that check a bad
// input wrote nothing.
func (d *DB) Count(t testing.TB, table string) int {
	t.Helper()
	var n int
	if err := d.raw.QueryRow("SELECT count(*) FROM " + pq.QuoteIdentifier(table)).Scan(&n); err != nil {
		t.Fatalf("pgtest.Count(%q): %v", table, err)
	}
	return n
}

// Int runs a query that returns one integer.
func (d *DB) Int(t testing.TB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := d.raw.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("pgtest.Int: %s: %v", query, err)
	}
	return n
}

// Value runs a query that returns one value of any type (text comes back
// as a string).
func (d *DB) Value(t testing.TB, query string, args ...any) any {
	t.Helper()
	var v any
	if err := d.raw.QueryRow(query, args...).Scan(&v); err != nil {
		t.Fatalf("pgtest.Value: %s: %v", query, err)
	}
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	return v
}

// Exec runs one statement, for test set-ups the store has no method for
// (moving a clock-dependent date, say).
func (d *DB) Exec(t testing.TB, query string, args ...any) {
	t.Helper()
	if _, err := d.raw.Exec(query, args...); err != nil {
		t.Fatalf("pgtest.Exec: %s: %v", query, err)
	}
}

// Lock runs query (a SELECT ... FOR UPDATE, say) in a transaction that
// stays open, holding its locks, until release commits it; the test's end
// rolls it back if release was not called. Tests use it to make the code
// under test wait for a lock.
func (d *DB) Lock(t testing.TB, query string, args ...any) (release func()) {
	t.Helper()
	tx, err := d.raw.BeginTx(context.Background(), nil)
	if err != nil {
		t.Fatalf("pgtest.Lock: %v", err)
	}
	t.Cleanup(func() { _ = tx.Rollback() })
	if _, err := tx.Exec(query, args...); err != nil {
		t.Fatalf("pgtest.Lock: %s: %v", query, err)
	}
	return func() {
		t.Helper()
		if err := tx.Commit(); err != nil {
			t.Errorf("pgtest.Lock: commit: %v", err)
		}
	}
}

// Tables returns the name of every table, goose's included, in order: an
// empty list shows that nothing was ever migrated.
func (d *DB) Tables(t testing.TB) []string {
	t.Helper()
	return d.tables(t, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)
}

func (d *DB) tables(t testing.TB, query string) []string {
	t.Helper()
	rows, err := d.raw.Query(query)
	if err != nil {
		t.Fatalf("pgtest: list tables: %v", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		out = append(out, name)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// CountAll returns the row count of every table but goose's, to show that
// something stored nothing at all.
func (d *DB) CountAll(t testing.TB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, name := range d.tables(t, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'goose_db_version' ORDER BY 1`) {
		out[name] = d.Count(t, name)
	}
	return out
}

// Dump returns every row of table as text, for tests that look for data
// that must not be stored (a Telegram id, an invite code in clear).
func (d *DB) Dump(t testing.TB, table string) []string {
	t.Helper()
	rows, err := d.raw.Query("SELECT t::text FROM " + pq.QuoteIdentifier(table) + " t")
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
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// Array passes a Go slice as a PostgreSQL array argument ("= ANY($1)"),
// so that tests need not import the driver.
func Array(a any) any { return pq.Array(a) }

// Package returns the package's database, or skips the test when there is
// none. Unlike URL it empties no table.
func Package(t testing.TB) *DB {
	t.Helper()
	if dbURL == "" {
		t.Skip(skipWhy)
	}
	return pkg
}

// The functions below act on the package's database.

// Count returns the number of rows in table of the package's database.
func Count(t testing.TB, table string) int { t.Helper(); return Package(t).Count(t, table) }

// Int runs a query that returns one integer against the package database.
func Int(t testing.TB, query string, args ...any) int {
	t.Helper()
	return Package(t).Int(t, query, args...)
}

// Value runs a query that returns one value against the package database.
func Value(t testing.TB, query string, args ...any) any {
	t.Helper()
	return Package(t).Value(t, query, args...)
}

// Exec runs one statement against the package database.
func Exec(t testing.TB, query string, args ...any) { t.Helper(); Package(t).Exec(t, query, args...) }

// Lock holds query's locks in the package database until release; see
// DB.Lock.
func Lock(t testing.TB, query string, args ...any) (release func()) {
	t.Helper()
	return Package(t).Lock(t, query, args...)
}

// CountAll returns the row count of every table of the package database
// but goose's.
func CountAll(t testing.TB) map[string]int { t.Helper(); return Package(t).CountAll(t) }

// Dump returns every row of table in the package database as text.
func Dump(t testing.TB, table string) []string { t.Helper(); return Package(t).Dump(t, table) }
