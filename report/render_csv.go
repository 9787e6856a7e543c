package report

import (
	"encoding/csv"
	"io"
	"math"
	"strconv"
	"strings"
)

// ReportCSVHeader is the report CSV's exact columns. The CSV is tidy: one
// statistic per row, so it loads into any package without reshaping.
// Missing statistics are empty.
// participant, last so that the first eight stay where they were, names
// the clinician of a clinician_fidelity row.
var ReportCSVHeader = []string{"section", "questionnaire", "score", "group", "site", "timepoint", "statistic", "value", "participant"}

// WriteCSV renders the report as tidy CSV: sections outcome, clustering,
// outcome_site, clinician_fidelity, fidelity, completion,
// completion_site, retention and flow.
func (a *Analysis) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	rows := [][]string{ReportCSVHeader}
	// Every cell but the value is text; the value is a number but for the
	// few statistics that are words (see SafeCell).
	words := map[string]bool{"note": true, "band": true, "wilcoxon_ties": true, "wilcoxon_exact": true, "domain": true, "acceptable": true}
	participant := ""
	add := func(section, q, score, group, site, tp, stat, value string) {
		row := []string{section, q, score, group, site, tp, stat, value, participant}
		for i := range row {
			row[i] = SafeCell(row[i], false)
		}
		row[7] = SafeCell(value, !words[stat])
		rows = append(rows, row)
	}
	span := a.From.ID + "-" + a.To.ID
	for _, m := range a.Measures {
		p := m.Paired
		out := func(stat, value string) { add("outcome", m.Questionnaire, m.Score, m.Group, "", span, stat, value) }
		out("n_"+a.From.ID, strconv.Itoa(m.NFrom))
		out("n_"+a.To.ID, strconv.Itoa(m.NTo))
		out("n_pairs", strconv.Itoa(p.N))
		out("mean_"+a.From.ID, num(p.Baseline.Mean))
		out("sd_"+a.From.ID, num(p.Baseline.SD))
		out("mean_"+a.To.ID, num(p.Followup.Mean))
		out("sd_"+a.To.ID, num(p.Followup.SD))
		out("mean_change", num(p.Change.Mean))
		out("sd_change", num(p.Change.SD))
		out("ci95_low", num(p.CILow))
		out("ci95_high", num(p.CIHigh))
		out("t", num(p.T))
		out("df", num(p.DF))
		out("p_t", num(p.PT))
		out("wilcoxon_v", num(p.Wilcoxon.V))
		out("wilcoxon_n_nonzero", strconv.Itoa(p.Wilcoxon.N))
		out("wilcoxon_zeros", strconv.Itoa(p.Wilcoxon.Zeros))
		out("wilcoxon_ties", strconv.FormatBool(p.Wilcoxon.Ties))
		out("wilcoxon_exact", strconv.FormatBool(p.Wilcoxon.Exact))
		out("p_wilcoxon", num(p.Wilcoxon.P))
		out("d_z", num(p.Dz))
		if len(p.Notes) > 0 {
			out("note", strings.Join(p.Notes, "; "))
		}
	}
	a.studyCSV(add, &participant)
	for _, f := range a.Fidelity {
		add("fidelity", f.Questionnaire, f.Score, "site", f.Site, f.Timepoint, "raters", strconv.Itoa(f.Raters))
		add("fidelity", f.Questionnaire, f.Score, "site", f.Site, f.Timepoint, "mean", num(f.Mean))
		add("fidelity", f.Questionnaire, f.Score, "site", f.Site, f.Timepoint, "band", f.Band)
	}
	for _, h := range a.Study.Sites.High {
		for _, c := range a.Study.Sites.Columns {
			if c.Variable == h.Variable {
				add("fidelity", c.Questionnaire, c.Score, "site", "", h.Timepoint, "sites_rated", strconv.Itoa(h.Rated))
				add("fidelity", c.Questionnaire, c.Score, "site", "", h.Timepoint, "sites_high", strconv.Itoa(h.High))
			}
		}
	}
	for _, c := range a.Completion {
		for _, s := range [][2]string{
			{"expected", strconv.Itoa(c.Expected)},
			{"completed", strconv.Itoa(c.Completed)},
			{"in_progress", strconv.Itoa(c.InProgress)},
			{"expired", strconv.Itoa(c.Expired)},
			{"rate", num(c.Rate)},
		} {
			add("completion", c.Questionnaire, "", "", c.Site, c.Timepoint, s[0], s[1])
		}
	}
	for _, sc := range a.Study.SiteCompletion {
		for _, t := range sc.Timepoints {
			add("completion_site", "", "", "", sc.Site, t.Timepoint, "completed", strconv.Itoa(t.Completed))
			add("completion_site", "", "", "", sc.Site, t.Timepoint, "expected", strconv.Itoa(t.Expected))
			add("completion_site", "", "", "", sc.Site, t.Timepoint, "rate", num(t.Rate))
		}
	}
	for _, r := range a.Retention {
		for _, s := range [][2]string{
			{"consented", strconv.Itoa(r.Consented)},
			{"at_" + a.From.ID, strconv.Itoa(r.AtFrom)},
			{"at_" + a.To.ID, strconv.Itoa(r.AtTo)},
			{"at_both", strconv.Itoa(r.AtBoth)},
			{"rate", num(r.Rate)},
			{"withdrawn", strconv.Itoa(r.Withdrawn)},
			{"erased", strconv.Itoa(r.Erased)},
		} {
			add("retention", "", "", "consumer", r.Site, span, s[0], s[1])
		}
	}
	for _, f := range a.Flow {
		for _, s := range [][2]string{
			{"invited", strconv.Itoa(f.Invited)},
			{"linked", strconv.Itoa(f.Linked)},
			{"consented", strconv.Itoa(f.Consented)},
			{"declined", strconv.Itoa(f.Declined)},
			{a.From.ID + "_done", strconv.Itoa(f.Done[a.From.ID])},
			{a.To.ID + "_done", strconv.Itoa(f.Done[a.To.ID])},
			{"withdrawn", strconv.Itoa(f.Withdrawn)},
		} {
			add("flow", "", "", f.Role, f.Site, "", s[0], s[1])
		}
	}
	if err := cw.WriteAll(rows); err != nil {
		return wrapErr("report.Analysis.WriteCSV", err)
	}
	return nil
}

// num prints v with ten significant digits, "" for NaN: enough for any p
// value a reader compares with R's.
func num(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	return strconv.FormatFloat(v, 'g', 10, 64)
}
