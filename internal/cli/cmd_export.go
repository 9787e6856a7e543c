package cli

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	// Named studyreport: cli.go has a function called report.
	"github.com/imrbot/imrbot/questionnaires"
	studyreport "github.com/imrbot/imrbot/report"
	"github.com/imrbot/imrbot/store"
)

// ExportCmd is `imrbot export --format long|wide|redcap|fhir [--out FILE]
// [--codebook FILE] [--dictionary FILE] [--raw]`.
type ExportCmd struct {
	Format     string `required:"" enum:"long,wide,redcap,fhir" help:"long: one row per current answer; wide: one row per participant and timepoint, with scores; redcap: REDCap's flat import file for a longitudinal project; fhir: an R4 Bundle of QuestionnaireResponses (JSON)."`
	Out        string `placeholder:"FILE" help:"Write the export to FILE (default: standard output)."`
	Codebook   string `placeholder:"FILE" help:"Also write the codebook CSV to FILE, and R, SPSS and Stata syntax that loads the export with its labels beside it (FILE without .csv, plus .R, .sps and .do). Needs --out; long and wide only."`
	Dictionary string `placeholder:"FILE" help:"With --format redcap: also write the REDCap data dictionary to FILE, and beside it (FILE without .csv, plus _arms.csv, _events.csv, _mapping.csv and _dags.csv) the arms, events, instrument-event mapping and data access groups to set the project up with."`
	Raw        bool   `help:"Write every cell as typed. By default text that begins with =, +, -, @, a tab or a carriage return gets a ' in front, so a spreadsheet cannot run it as a formula; use --raw only for files that statistics software, not a spreadsheet, opens."`
}

// Run writes the export. Every file is written to a temporary file beside
// its destination and renamed into place only once all are complete and the
// export is in the audit log, so a failed export leaves no half file and an
// unaudited export never reaches the disk.
func (c *ExportCmd) Run(app *App) error {
	paths, err := c.paths()
	if err != nil {
		return err
	}
	if c.Format == "redcap" || c.Format == "fhir" {
		return c.runInterop(app)
	}
	cat, st, data, err := app.studyData()
	if err != nil {
		return err
	}
	var table *studyreport.Table
	if c.Format == "wide" {
		if table, err = studyreport.WideTable(data, cat); err != nil {
			return err
		}
	} else {
		table = studyreport.LongTable(data, cat)
	}
	table.Raw = c.Raw

	var out pendingFiles
	defer out.discard()
	var csvData bytes.Buffer
	if err := table.WriteCSV(&csvData); err != nil {
		return err
	}
	if c.Out != "" {
		if err := out.add(c.Out, csvData.Bytes()); err != nil {
			return err
		}
	}
	if c.Codebook != "" {
		dataName := filepath.Base(c.Out)
		for _, f := range []struct {
			path  string
			write func(io.Writer) error
		}{
			{paths.codebook, table.WriteCodebook},
			{paths.r, func(w io.Writer) error { return table.WriteR(w, dataName) }},
			{paths.sps, func(w io.Writer) error { return table.WriteSPSS(w, dataName) }},
			{paths.do, func(w io.Writer) error { return table.WriteStata(w, dataName) }},
		} {
			var b bytes.Buffer
			if err := f.write(&b); err != nil {
				return err
			}
			if err := out.add(f.path, b.Bytes()); err != nil {
				return err
			}
		}
	}

	detail := map[string]any{
		"format": c.Format, "file": orStdout(c.Out), "rows": len(table.Rows),
		"columns": len(table.Variables), "at": app.Now().UTC().Format(time.RFC3339),
		// A raw export can carry live formulas: the log says which files can.
		"raw": c.Raw,
	}
	if c.Codebook != "" {
		detail["codebook"] = c.Codebook
	}
	if err := st.Audit(app.Context, cliActor(app), "export", nil, detail); err != nil {
		return err
	}
	if c.Out == "" {
		if _, err := app.Stdout.Write(csvData.Bytes()); err != nil {
			return fmt.Errorf("write export: %w", err)
		}
	} else if err := out.commit(); err != nil {
		return err
	}
	for _, w := range table.Warnings {
		fmt.Fprintf(app.Stderr, "imrbot: warning: %s\n", w)
	}
	return nil
}

// exportPaths are the files a codebook comes with.
type exportPaths struct{ codebook, r, sps, do string }

// paths checks the flags before anything is read or written.
func (c *ExportCmd) paths() (exportPaths, error) {
	var p exportPaths
	if c.Dictionary != "" && c.Format != "redcap" {
		return p, Usagef("--dictionary goes with --format redcap")
	}
	if c.Codebook != "" && (c.Format == "redcap" || c.Format == "fhir") {
		return p, Usagef("--codebook goes with --format long or wide; REDCap's dictionary is --dictionary")
	}
	if c.Codebook == "" {
		return p, checkOutPath("--out", c.Out)
	}
	if c.Out == "" {
		return p, Usagef("--codebook needs --out: the R, SPSS and Stata syntax must name the data file")
	}
	base := strings.TrimSuffix(c.Codebook, ".csv")
	p = exportPaths{codebook: c.Codebook, r: base + ".R", sps: base + ".sps", do: base + ".do"}
	seen := map[string]string{}
	for _, f := range [][2]string{{"--out", c.Out}, {"--codebook", p.codebook}, {"--codebook (R syntax)", p.r}, {"--codebook (SPSS syntax)", p.sps}, {"--codebook (Stata syntax)", p.do}} {
		if err := checkOutPath(f[0], f[1]); err != nil {
			return p, err
		}
		abs, err := filepath.Abs(f[1])
		if err != nil {
			return p, Usagef("%s %q: %v", f[0], f[1], err)
		}
		if other, ok := seen[abs]; ok {
			return p, Usagef("%s and %s would both write %s", other, f[0], f[1])
		}
		seen[abs] = f[0]
	}
	return p, nil
}

// checkOutPath refuses an output path whose folder does not exist or that
// names a folder, before any work is done.
func checkOutPath(flag, path string) error {
	if path == "" {
		return nil
	}
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		return Usagef("%s %q is a folder; name a file", flag, path)
	}
	dir := filepath.Dir(path)
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return Usagef("%s %q: folder %s does not exist", flag, path, dir)
	}
	return nil
}

func orStdout(path string) string {
	if path == "" {
		return "-"
	}
	return path
}

// cliActor is who ran a command, for the audit log: the OS user when the
// environment names one, else "cli".
func cliActor(app *App) string {
	for _, k := range []string{"USER", "LOGNAME", "USERNAME"} {
		if u := strings.TrimSpace(app.Getenv(k)); u != "" {
			return "cli:" + u
		}
	}
	return "cli"
}

// pendingFiles are outputs written to temporary files beside their
// destinations (so the final rename stays on one file system), renamed into
// place by commit, removed by discard if commit never ran. Files are created
// readable by their owner only: exports are research data.
type pendingFiles struct {
	temps, finals []string
}

func (p *pendingFiles) add(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	p.temps, p.finals = append(p.temps, f.Name()), append(p.finals, path)
	_, err = f.Write(data)
	if syncErr := f.Sync(); err == nil {
		err = syncErr
	}
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func (p *pendingFiles) commit() error {
	var errs []error
	for i, tmp := range p.temps {
		if err := os.Rename(tmp, p.finals[i]); err != nil {
			_ = os.Remove(tmp)
			errs = append(errs, fmt.Errorf("write %s: %w", p.finals[i], err))
		}
	}
	p.temps, p.finals = nil, nil
	return errors.Join(errs...)
}

func (p *pendingFiles) discard() {
	for _, tmp := range p.temps {
		_ = os.Remove(tmp)
	}
	p.temps, p.finals = nil, nil
}

// studyData loads what exports and reports are made of: the study's
// definitions and one consistent snapshot of its answers.
func (a *App) studyData() (*questionnaires.Catalog, *store.Store, *store.ExportData, error) {
	cat, err := a.Catalog()
	if err != nil {
		return nil, nil, nil, err
	}
	st, err := a.Store(a.Context)
	if err != nil {
		return nil, nil, nil, err
	}
	data, err := st.ExportData(a.Context)
	if err != nil {
		return nil, nil, nil, err
	}
	return cat, st, data, nil
}

// redcapSideFiles are the set-up files written beside the REDCap data
// dictionary, by suffix, in the order a project is set up with them.
var redcapSideFiles = []string{"_arms.csv", "_events.csv", "_mapping.csv", "_dags.csv"}

// runInterop writes the REDCap or FHIR export, by the same rules as the
// others: every file complete and the export audited before any is in
// place.
func (c *ExportCmd) runInterop(app *App) error {
	files := map[string]string{"--out": c.Out}
	if c.Dictionary != "" {
		base := strings.TrimSuffix(c.Dictionary, ".csv")
		files["--dictionary"] = c.Dictionary
		for _, s := range redcapSideFiles {
			files["--dictionary ("+strings.TrimPrefix(strings.TrimSuffix(s, ".csv"), "_")+")"] = base + s
		}
	}
	seen := map[string]string{}
	for _, flag := range slices.Sorted(maps.Keys(files)) {
		path := files[flag]
		if path == "" {
			continue
		}
		if err := checkOutPath(flag, path); err != nil {
			return err
		}
		abs, err := filepath.Abs(path)
		if err != nil {
			return Usagef("%s %q: %v", flag, path, err)
		}
		if other, ok := seen[abs]; ok {
			return Usagef("%s and %s would both write %s", other, flag, path)
		}
		seen[abs] = flag
	}
	cat, st, data, err := app.studyData()
	if err != nil {
		return err
	}
	var main []byte
	var warnings []string
	var out pendingFiles
	defer out.discard()
	detail := map[string]any{"format": c.Format, "file": orStdout(c.Out), "at": app.Now().UTC().Format(time.RFC3339)}
	if c.Format == "fhir" {
		if main, warnings, err = studyreport.FHIRBundle(data, cat, app.Now()); err != nil {
			return err
		}
	} else {
		x, err := studyreport.REDCap(data, cat)
		if err != nil {
			return err
		}
		warnings = x.Warnings
		detail["rows"] = len(x.Data) - 1
		if main, err = csvBytes(x.Data); err != nil {
			return err
		}
		if c.Dictionary != "" {
			detail["dictionary"] = c.Dictionary
			base := strings.TrimSuffix(c.Dictionary, ".csv")
			for path, rows := range map[string][][]string{
				c.Dictionary: x.Dictionary, base + "_arms.csv": x.Arms, base + "_events.csv": x.Events,
				base + "_mapping.csv": x.Mapping, base + "_dags.csv": x.DAGs,
			} {
				b, err := csvBytes(rows)
				if err != nil {
					return err
				}
				if err := out.add(path, b); err != nil {
					return err
				}
			}
		}
	}
	if c.Out != "" {
		if err := out.add(c.Out, main); err != nil {
			return err
		}
	}
	if err := st.Audit(app.Context, cliActor(app), "export", nil, detail); err != nil {
		return err
	}
	if c.Out == "" {
		if _, err := app.Stdout.Write(main); err != nil {
			return fmt.Errorf("write export: %w", err)
		}
	} else if err := out.commit(); err != nil {
		return err
	}
	for _, w := range warnings {
		fmt.Fprintf(app.Stderr, "imrbot: warning: %s\n", w)
	}
	return nil
}

// csvBytes writes rows as CSV as typed: REDCap imports values as they
// are, so nothing is guarded against spreadsheets here.
func csvBytes(rows [][]string) ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.WriteAll(rows); err != nil {
		return nil, fmt.Errorf("write CSV: %w", err)
	}
	return b.Bytes(), nil
}
