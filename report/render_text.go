package report

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
	"time"
)

// WriteText renders the report as aligned plain-text tables.
func (a *Analysis) WriteText(w io.Writer) error {
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "IMR study outcome report\nGenerated %s\n\n", a.GeneratedAt.UTC().Format(time.RFC3339))

	fmt.Fprintf(b, "CONSUMER OUTCOMES: %s (%s) vs %s (%s)\n", a.From.Label.In(labelLang), a.From.ID, a.To.Label.In(labelLang), a.To.ID)
	b.WriteString(methodsNote + "\n\n")
	a.writeMeasuresText(b, "Outcome", consumerMeasures(a.Study.Outcomes))
	if others := a.otherMeasures(); len(others) > 0 {
		b.WriteString("\nOTHER MEASURES (about the clinicians themselves)\n")
		a.writeMeasuresText(b, "Group", others)
	}
	notes := false
	for _, m := range a.Measures {
		extra := []string{fmt.Sprintf("%d at %s, %d at %s", m.NFrom, a.From.ID, m.NTo, a.To.ID)}
		extra = append(extra, m.Paired.Notes...)
		if len(m.Paired.Notes) > 0 || m.NFrom != m.Paired.N || m.NTo != m.Paired.N {
			if !notes {
				b.WriteString("\nNotes:\n")
				notes = true
			}
			fmt.Fprintf(b, "  %s (%s): %s\n", m.Variable, m.Label, strings.Join(extra, "; "))
		}
	}
	a.writeStudyText(b)

	fmt.Fprintf(b, "\nFEASIBILITY: PARTICIPANT FLOW (every consumer and clinician invited, by how far they came; done: completed their own questionnaires)\n")
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "Site\tRole\tInvited\tLinked\tConsented\tDeclined\t"+a.From.ID+" done\t"+a.To.ID+" done\tWithdrawn\t")
	for _, f := range a.Flow {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", f.Site, f.Role, f.Invited, f.Linked, f.Consented, f.Declined, f.Done[a.From.ID], f.Done[a.To.ID], f.Withdrawn)
	}
	tw.Flush()
	a.writeSiteCompletionText(b)

	b.WriteString("\nCOMPLETION PER SITE, TIMEPOINT AND QUESTIONNAIRE (completed of expected: consented participants; linked coordinators for site ratings, one per site once assessors rate)\n")
	tw = tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "Site\tTimepoint\tQuestionnaire\tCompleted\tExpected\tRate\tIn progress\tExpired\t")
	for _, c := range a.Completion {
		q := c.Questionnaire
		if !c.InBattery {
			q += " (not in the protocol here)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\t%d\t%d\t\n", c.Site, c.Timepoint, q, c.Completed, c.Expected, percent(c.Rate), c.InProgress, c.Expired)
	}
	tw.Flush()

	fmt.Fprintf(b, "\nRETENTION OF CONSUMERS PER SITE (%s to %s; %s)\n", a.From.ID, a.To.ID, RetentionRule)
	tw = tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "Site\tConsented\tAt "+a.From.ID+"\tAt "+a.To.ID+"\tAt both\tRetention\tWithdrawn\tErased\t")
	for _, r := range a.Retention {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%s\t%d\t%d\t\n", r.Site, r.Consented, r.AtFrom, r.AtTo, r.AtBoth, percent(r.Rate), r.Withdrawn, r.Erased)
	}
	tw.Flush()

	if len(a.Warnings) > 0 {
		b.WriteString("\nWARNINGS\n")
		for _, w := range a.Warnings {
			fmt.Fprintf(b, "  %s\n", w)
		}
	}
	return wrapErr("report.WriteText", b.Flush())
}

// methodsNote says how every number of the outcome table is computed.
const methodsNote = `Participants with a score at both timepoints. Change is the later minus the
earlier score, with its 95% CI from the t distribution; the paired t-test and
Wilcoxon signed-rank test are two-sided. Wilcoxon: zero differences dropped,
ties given average ranks; exact p when under 50 non-zero differences without
ties or zeros, else the normal approximation with tie-corrected variance and
continuity correction (as R's wilcox.test). d_z is Cohen's d for paired data:
mean change / SD of change. NA: not computable (see the notes).`

func fixed(v float64, decimals int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "NA"
	}
	s := fmt.Sprintf("%.*f", decimals, v)
	if strings.Trim(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-")
	}
	return s
}

func meanSD(s Summary) string {
	if math.IsNaN(s.Mean) {
		return "NA"
	}
	return fmt.Sprintf("%s (%s)", fixed(s.Mean, 2), fixed(s.SD, 2))
}

func changeCI(p Paired) string {
	if math.IsNaN(p.Change.Mean) {
		return "NA"
	}
	return fmt.Sprintf("%s [%s, %s]", signed(p.Change.Mean), signed(p.CILow), signed(p.CIHigh))
}

func signed(v float64) string {
	s := fixed(v, 2)
	if s != "NA" && !strings.HasPrefix(s, "-") && strings.Trim(s, "0.") != "" {
		s = "+" + s
	}
	return s
}

// pValue prints p with four decimals, or "<0.0001".
func pValue(p float64) string {
	switch {
	case math.IsNaN(p):
		return "NA"
	case p < 0.0001:
		return "<0.0001"
	}
	return fmt.Sprintf("%.4f", p)
}

func wilcoxonP(w Wilcoxon) string {
	if math.IsNaN(w.P) {
		return "NA"
	}
	if w.Exact {
		return pValue(w.P) + " (exact)"
	}
	return pValue(w.P) + " (normal)"
}

func percent(r float64) string {
	if math.IsNaN(r) {
		return "NA"
	}
	return fmt.Sprintf("%.0f%%", 100*r)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
