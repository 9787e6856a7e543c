package arch

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestCheckFindsViolations runs the check on a small module with one
// violation of each kind, so that a check that cannot fail cannot pass.
func TestCheckFindsViolations(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/m\n\ngo 1.22\n",
		"docs/ARCHITECTURE.md": "# x\n\n## Layout\n\n| folder | owns | may import |\n|---|---|---|\n" +
			"| `questionnaires/` | data | nothing of ours |\n" +
			"| `flows/` | engine | `questionnaires` |\n" +
			"| `store/` | SQL | `questionnaires` types if needed |\n" +
			"| `bot/` | adapter | `flows` (reply types) |\n" +
			"| `desk/` | absent, skipped | `store` |\n" +
			"| `cmd/` | wiring | everything |\n" +
			"| `internal/pgtest` | test helper: databases | `store` |\n" +
			"\n## Tests that cross a row\n\n| folder | tests may also import | why |\n|---|---|---|\n" +
			"| `flows/` | `bot` | a reason |\n" +
			"\n## Other\n\n| not | a | row |\n",
		"questionnaires/q.go": "package questionnaires\n",
		"store/s.go":          "package store\n\nimport _ \"database/sql\"\n\nconst q = \"SELECT 1 FROM t\"\n",
		// A production import outside the row.
		"flows/f.go": "package flows\n\nimport _ \"example.com/m/store\"\n",
		// Tests may import helpers and what their imports may import.
		"flows/f_test.go":      "package flows\n\nimport (\n\t_ \"example.com/m/internal/pgtest\"\n\t_ \"example.com/m/questionnaires\"\n)\n",
		"internal/pgtest/p.go": "package pgtest\n\nimport _ \"database/sql\"\n\nfunc Exec(q string) {}\n",
		"cmd/c.go":             "package cmd\n\nimport _ \"example.com/m/store\"\n",
		// SQL through pgtest is allowed; SQL of its own and a driver are not.
		"bot/b_test.go": "package bot\n\nimport (\n\t_ \"database/sql\"\n\n\t\"example.com/m/internal/pgtest\"\n)\n\n" +
			"func f() string {\n\tpgtest.Exec(`UPDATE t SET a = 1`)\n\treturn \"DELETE FROM t WHERE a = 1\"\n}\n" +
			"\nconst prose = \"select one from the list\"\n",
		"bot/b.go": "package bot\n\nimport _ \"example.com/m/flows\"\n",
		// A test may cross a row where the doc says so, its package may not.
		"flows/g_test.go": "package flows\n\nimport _ \"example.com/m/bot\"\n",
		"store/s_test.go": "package store\n\nimport _ \"example.com/m/bot\"\n",
		// A package under no row.
		"extra/e.go": "package extra\n",
	}
	for name, text := range files {
		path := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got := sortedKeys(loadModule(t, root).check(t))
	want := []string{
		"bot/b_test.go imports database/sql",
		"bot/b_test.go writes SQL",
		"extra has no row in docs/ARCHITECTURE.md",
		"flows imports store",
		"store tests import bot",
	}
	if !slices.Equal(got, want) {
		t.Errorf("violations:\n\t%q\nwant\n\t%q", got, want)
	}
}
