package cli

import (
	"bytes"
	"fmt"
	"time"

	studyreport "github.com/imrbot/imrbot/report"
)

// ReportCmd is `imrbot report [--format text|csv|html] [--out FILE]`.
type ReportCmd struct {
	Format string `default:"text" enum:"text,csv,html" help:"text: aligned tables; csv: one statistic per row; html: one self-contained file with plots."`
	Out    string `placeholder:"FILE" help:"Write the report to FILE (default: standard output)."`
}

// Run computes the outcome report (baseline against the 12-month
// follow-up), audits it and writes it; like an export, a file appears whole
// or not at all.
func (c *ReportCmd) Run(app *App) error {
	if err := checkOutPath("--out", c.Out); err != nil {
		return err
	}
	cat, st, data, err := app.studyData()
	if err != nil {
		return err
	}
	now := app.Now()
	a, err := studyreport.Analyse(data, cat, studyreport.Options{Now: now})
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
		"format": c.Format, "file": orStdout(c.Out), "measures": len(a.Measures),
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
