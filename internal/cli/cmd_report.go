package cli

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	studyreport "github.com/imrbot/imrbot/report"
)

// ReportCmd is `imrbot report [--format text|csv|html] [--out FILE]
// [--from TIMEPOINT] [--to TIMEPOINT]`.
type ReportCmd struct {
	Format string `default:"text" enum:"text,csv,html" help:"text: aligned tables; csv: one statistic per row; html: one self-contained file with plots."`
	Out    string `placeholder:"FILE" help:"Write the report to FILE (default: standard output)."`
	From   string `placeholder:"TIMEPOINT" help:"Compare from this timepoint of the protocol (default: baseline)."`
	To     string `placeholder:"TIMEPOINT" help:"Compare to this timepoint of the protocol (default: m12)."`
}

// checkTimepoints refuses a --from or --to the protocol does not have, or
// the same timepoint twice, before anything is read.
func (c *ReportCmd) checkTimepoints(app *App) error {
	if c.From == "" && c.To == "" {
		return nil
	}
	cat, err := app.Catalog()
	if err != nil {
		return err
	}
	var ids []string
	for _, tp := range cat.Protocol.Timepoints {
		ids = append(ids, tp.ID)
	}
	for _, f := range []struct{ flag, id string }{{"--from", c.From}, {"--to", c.To}} {
		if _, ok := cat.Protocol.Timepoint(f.id); f.id != "" && !ok {
			return Usagef("%s: the protocol has no timepoint %q; it has %s", f.flag, f.id, strings.Join(ids, ", "))
		}
	}
	if c.From != "" && c.From == c.To {
		return Usagef("--from and --to are both %q: a report compares two timepoints", c.From)
	}
	return nil
}

// Run computes the outcome report (baseline against the 12-month
// follow-up), audits it and writes it; like an export, a file appears whole
// or not at all.
func (c *ReportCmd) Run(app *App) error {
	if err := checkOutPath("--out", c.Out); err != nil {
		return err
	}
	if err := c.checkTimepoints(app); err != nil {
		return err
	}
	cat, st, data, err := app.studyData()
	if err != nil {
		return err
	}
	now := app.Now()
	a, err := studyreport.Analyse(data, cat, studyreport.Options{From: c.From, To: c.To, Now: now})
	if err != nil {
		return err
	}
	var b bytes.Buffer
	switch c.Format {
	case "csv":
		err = a.WriteCSV(&b)
	case "html":
		err = a.WriteHTML(&b)
	default:
		err = a.WriteText(&b)
	}
	if err != nil {
		return err
	}
	var out pendingFiles
	defer out.discard()
	if c.Out != "" {
		if err := out.add(c.Out, b.Bytes()); err != nil {
			return err
		}
	}
	if err := st.Audit(app.Context, cliActor(app), "report", nil, map[string]any{
		"format": c.Format, "file": orStdout(c.Out), "measures": len(a.Measures), "from": a.From.ID, "to": a.To.ID,
		"at": now.UTC().Format(time.RFC3339),
	}); err != nil {
		return err
	}
	if c.Out == "" {
		if _, err := app.Stdout.Write(b.Bytes()); err != nil {
			return fmt.Errorf("write report: %w", err)
		}
		return nil
	}
	return out.commit()
}
