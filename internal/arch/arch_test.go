package arch

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/imrbot/imrbot/internal/pgtest"
)

// TestArchitecture checks the module against docs/ARCHITECTURE.md.
func TestArchitecture(t *testing.T) {
	mod := loadModule(t, moduleRoot(t))
	found := mod.check(t)
	for _, key := range sortedKeys(found) {
		t.Errorf("%s\n\t%s", key, strings.Join(found[key], "\n\t"))
	}
}

// row is one line of the layout table.
type row struct {
	folders    []string // module-relative, without a trailing slash
	mayImport  []string
	everything bool
	helper     bool // a test helper: any test may import it
	// testsMayImport is what the folder's tests may import besides, from
	// the table under "## Tests that cross a row".
	testsMayImport []string
}

// module is what the check needs to know of the code.
type module struct {
	path, root string
	rows       []*row
	pkgs       []pkg
}

// pkg is the part of `go list -json` the check reads.
type pkg struct {
	ImportPath, Dir                                    string
	GoFiles, TestGoFiles, XTestGoFiles, IgnoredGoFiles []string
	Imports, TestImports, XTestImports                 []string
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	return filepath.Dir(strings.TrimSpace(string(out)))
}

// loadModule lists the module at root and reads its layout table.
func loadModule(t *testing.T, root string) *module {
	t.Helper()
	m := &module{root: root}
	cmd := exec.Command("go", "list", "-m")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -m: %v", err)
	}
	m.path = strings.TrimSpace(string(out))
	cmd = exec.Command("go", "list", "-e", "-json", "./...")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if out, err = cmd.Output(); err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	for dec := json.NewDecoder(bytes.NewReader(out)); dec.More(); {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		m.pkgs = append(m.pkgs, p)
	}
	m.rows = readLayout(t, filepath.Join(root, "docs", "ARCHITECTURE.md"))
	return m
}

var backquoted = regexp.MustCompile("`([^`]+)`")

// readLayout parses the table under "## Layout": folders from the first
// column, the backquoted names of the third, "everything" for all; then
// the table under "## Tests that cross a row": a folder, and what its
// tests may import besides.
func readLayout(t *testing.T, path string) []*row {
	t.Helper()
	tables := readTables(t, path, "## Layout", "## Tests that cross a row")
	var rows []*row
	for _, cells := range tables["## Layout"] {
		r := &row{
			everything: strings.Contains(cells[2], "everything"),
			helper:     strings.HasPrefix(strings.TrimSpace(cells[1]), "test helper"),
			folders:    quoted(cells[0]),
			mayImport:  quoted(cells[2]),
		}
		rows = append(rows, r)
	}
	if len(rows) == 0 {
		t.Fatalf("%s: no layout table under \"## Layout\"", path)
	}
	for _, cells := range tables["## Tests that cross a row"] {
		for _, folder := range quoted(cells[0]) {
			found := false
			for _, r := range rows {
				if slices.Contains(r.folders, folder) {
					r.testsMayImport, found = append(r.testsMayImport, quoted(cells[1])...), true
				}
			}
			if !found {
				t.Fatalf("%s: tests of %s cross a row, but %s has no row", path, folder, folder)
			}
		}
	}
	return rows
}

// readTables reads the three-column tables under the given headings.
func readTables(t *testing.T, path string, headings ...string) map[string][][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][][]string{}
	heading := ""
	for sc := bufio.NewScanner(f); sc.Scan(); {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "## ") {
			heading = ""
			if slices.Contains(headings, line) {
				heading = line
			}
			continue
		}
		if heading == "" || !strings.HasPrefix(line, "|") || strings.HasPrefix(line, "|---") || strings.HasPrefix(line, "| folder") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) != 3 {
			t.Fatalf("%s: a row under %q has %d cells, want 3: %s", path, heading, len(cells), line)
		}
		out[heading] = append(out[heading], cells)
	}
	return out
}

// quoted is the backquoted names in a cell, without a trailing slash.
func quoted(cell string) []string {
	var out []string
	for _, m := range backquoted.FindAllStringSubmatch(cell, -1) {
		out = append(out, strings.TrimSuffix(m[1], "/"))
	}
	return out
}

// under reports whether rel is folder or inside it.
func under(rel, folder string) bool { return rel == folder || strings.HasPrefix(rel, folder+"/") }

// rowOf is the row of the longest folder holding rel, nil for none.
func (m *module) rowOf(rel string) *row {
	var best *row
	n := -1
	for _, r := range m.rows {
		for _, f := range r.folders {
			if under(rel, f) && len(f) > n {
				best, n = r, len(f)
			}
		}
	}
	return best
}

// reach is what r may import and, for tests, what those may import in
// turn; a test helper's own imports are not passed on (e2e may import
// pgtest, not the store pgtest uses).
func (m *module) reach(r *row, transitive bool) []string {
	seen := map[string]bool{}
	var walk func(r *row)
	walk = func(r *row) {
		for _, name := range r.mayImport {
			if seen[name] {
				continue
			}
			seen[name] = true
			if next := m.rowOf(name); transitive && next != nil && !next.helper {
				walk(next)
			}
		}
	}
	walk(r)
	return sortedKeys(seen)
}

// may reports whether a package in row r may import rel (from a test
// file when test).
func (m *module) may(r *row, rel string, test bool) bool {
	target := m.rowOf(rel)
	if r.everything || target == r || (test && target != nil && target.helper) {
		return true
	}
	names := m.reach(r, test)
	if test {
		names = append(names, r.testsMayImport...)
	}
	for _, name := range names {
		if under(rel, name) {
			return true
		}
	}
	return false
}

// check returns the violations, each with the places it occurs.
func (m *module) check(t *testing.T) map[string][]string {
	t.Helper()
	found := map[string][]string{}
	add := func(key, where string) { found[key] = append(found[key], where) }
	for _, p := range m.pkgs {
		rel, ok := m.rel(p.ImportPath)
		if !ok {
			continue
		}
		r := m.rowOf(rel)
		if r == nil {
			add(rel+" has no row in docs/ARCHITECTURE.md", p.Dir)
			continue
		}
		for _, list := range []struct {
			imports []string
			test    bool
		}{{p.Imports, false}, {p.TestImports, true}, {p.XTestImports, true}} {
			for _, imp := range list.imports {
				to, ours := m.rel(imp)
				if !ours || to == rel || m.may(r, to, list.test) {
					continue
				}
				what := rel + " imports " + to
				if list.test {
					what = rel + " tests import " + to
				}
				add(what, fmt.Sprintf("may import: %v", m.reach(r, list.test)))
			}
		}
		if m.sqlAllowed(rel, r) {
			continue
		}
		for _, name := range slices.Concat(p.GoFiles, p.TestGoFiles, p.XTestGoFiles, p.IgnoredGoFiles) {
			if strings.HasSuffix(name, ".go") {
				m.checkSQL(t, filepath.Join(p.Dir, name), add)
			}
		}
	}
	return found
}

// rel is an import path of ours relative to the module.
func (m *module) rel(importPath string) (string, bool) {
	if importPath == m.path {
		return ".", true
	}
	rel, ok := strings.CutPrefix(importPath, m.path+"/")
	return rel, ok
}

// sqlAllowed: store/ holds every SQL statement; the test helpers (pgtest
// runs the tests' own) may reach the database; this package holds the
// patterns that find SQL.
func (m *module) sqlAllowed(rel string, r *row) bool {
	return under(rel, "store") || r.helper || under(rel, "internal/arch")
}

// sqlDrivers are the imports that reach the database directly.
var sqlDrivers = []string{"database/sql", "github.com/lib/pq", "github.com/jmoiron/sqlx"}

// sqlText finds an SQL statement in a string literal: upper-case keywords,
// as every statement of ours is written (prose says "select ... from" in
// lower case, and is left alone).
var sqlText = regexp.MustCompile(`(?s)\b(SELECT|INSERT|UPDATE|DELETE)\b.*\b(FROM|INTO|SET)\b|\b(CREATE|DROP|ALTER|TRUNCATE)\s+(TABLE|DATABASE|INDEX|SCHEMA)\b`)

// pgtestMethods are the methods of pgtest.DB: SQL passed to them is a
// test's question to the helper, as SQL passed to pgtest's functions is.
var pgtestMethods = func() map[string]bool {
	out := map[string]bool{}
	typ := reflect.TypeFor[*pgtest.DB]()
	for i := range typ.NumMethod() {
		out[typ.Method(i).Name] = true
	}
	return out
}()

// checkSQL reports the SQL imports of one file and its string literals
// that hold SQL outside a call to pgtest.
func (m *module) checkSQL(t *testing.T, path string, add func(key, where string)) {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	name, _ := filepath.Rel(m.root, path)
	name = filepath.ToSlash(name)
	pgtestName := ""
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		for _, d := range sqlDrivers {
			if under(p, d) {
				add(name+" imports "+d, fset.Position(imp.Pos()).String())
			}
		}
		if p == m.path+"/internal/pgtest" {
			pgtestName = "pgtest"
			if imp.Name != nil {
				pgtestName = imp.Name.Name
			}
		}
	}
	// The argument lists of calls to pgtest, where SQL may stand.
	type span struct{ from, to token.Pos }
	var viaPgtest []span
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || pgtestName == "" {
			return true
		}
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
			id, isIdent := sel.X.(*ast.Ident)
			if (isIdent && id.Name == pgtestName) || pgtestMethods[sel.Sel.Name] {
				viaPgtest = append(viaPgtest, span{call.Lparen, call.Rparen})
			}
		}
		return true
	})
	ast.Inspect(f, func(n ast.Node) bool {
		lit, ok := n.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		s, err := strconv.Unquote(lit.Value)
		if err != nil || !sqlText.MatchString(s) {
			return true
		}
		for _, sp := range viaPgtest {
			if lit.Pos() > sp.from && lit.End() <= sp.to {
				return true
			}
		}
		add(name+" writes SQL", fmt.Sprintf("%s: %.60q", fset.Position(lit.Pos()), s))
		return true
	})
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
