package pgtest_test

import (
	"context"
	"slices"
	"testing"

	"github.com/imrbot/imrbot/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// A database of one's own starts empty, is not the package's, and goes
// when the test ends.
func TestNewDatabase(t *testing.T) {
	var name string
	t.Run("own", func(t *testing.T) {
		d := pgtest.NewDatabase(t)
		if d.URL == pgtest.Package(t).URL {
			t.Fatal("NewDatabase returned the package's database")
		}
		if tables := d.Tables(t); len(tables) != 0 {
			t.Errorf("a new database has tables %v, want none", tables)
		}
		d.Exec(t, `CREATE TABLE notes (body text)`)
		d.Exec(t, `INSERT INTO notes VALUES ($1), ($2)`, "a", "b")
		if n := d.Count(t, "notes"); n != 2 {
			t.Errorf("Count = %d, want 2", n)
		}
		if got := d.CountAll(t); got["notes"] != 2 || len(got) != 1 {
			t.Errorf("CountAll = %v, want notes: 2", got)
		}
		if got := d.Dump(t, "notes"); !slices.Equal(got, []string{"(a)", "(b)"}) {
			t.Errorf("Dump = %q", got)
		}
		if v := d.Value(t, `SELECT max(body) FROM notes`); v != "b" {
			t.Errorf("Value = %#v, want \"b\"", v)
		}
		name = d.Value(t, `SELECT current_database()`).(string)
	})
	if n := pgtest.Int(t, `SELECT count(*) FROM pg_database WHERE datname = $1`, name); n != 0 {
		t.Errorf("database %s outlived its test", name)
	}
}

// A lock is held until release: another transaction cannot take it.
func TestLock(t *testing.T) {
	d := pgtest.NewDatabase(t)
	d.Exec(t, `CREATE TABLE rows (id int)`)
	d.Exec(t, `INSERT INTO rows VALUES (1)`)
	release := d.Lock(t, `SELECT 1 FROM rows FOR UPDATE`)
	if n := d.Int(t, `SELECT count(*) FROM (SELECT 1 FROM rows FOR UPDATE SKIP LOCKED) r`); n != 0 {
		t.Errorf("%d rows free while locked, want 0", n)
	}
	release()
	if n := d.Int(t, `SELECT count(*) FROM (SELECT 1 FROM rows FOR UPDATE SKIP LOCKED) r`); n != 1 {
		t.Errorf("%d rows free after release, want 1", n)
	}
}

// A kept database survives and is found again; recreate empties it.
func TestKept(t *testing.T) {
	pgtest.Package(t) // skips without a server
	ctx := context.Background()
	name := pgtest.Value(t, `SELECT current_database()`).(string) + "_kept"
	url, err := pgtest.Kept(ctx, name, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pgtest.Exec(t, `DROP DATABASE IF EXISTS "`+name+`" WITH (FORCE)`) })
	if again, err := pgtest.Kept(ctx, name, true); err != nil || again != url {
		t.Fatalf("Kept again: %q, %v; want %q", again, err, url)
	}
	if n := pgtest.Int(t, `SELECT count(*) FROM pg_database WHERE datname = $1`, name); n != 1 {
		t.Errorf("%d databases named %s, want 1", n, name)
	}
}
