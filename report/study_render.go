package report

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/imrbot/imrbot/questionnaires"
)

// This file renders the study's tables as text, and the cells and
// sentences the text and HTML forms share.

func consumerMeasures(os []Outcome) []labelled {
	out := make([]labelled, len(os))
	for i, o := range os {
		out[i] = labelled{o.Domain, o.Measure}
	}
	return out
}

// otherMeasures are the compared measures that are not consumer outcomes
// (the clinicians' own questionnaires), labelled by group. The IT-IS has
// its own table.
func (a *Analysis) otherMeasures() []labelled {
	var out []labelled
	for _, m := range a.Measures {
		if m.Group != string(questionnaires.RoleConsumer) && m.Questionnaire != ClinicianFidelityID {
			out = append(out, labelled{m.Group, m})
		}
	}
	return out
}

// labelled is a measure with the text of its table's first column.
type labelled struct {
	First   string
	Measure Measure
}

// outcomeCells are an outcome row's numbers after its paired n.
func outcomeCells(p Paired) []string {
	return []string{meanSD(p.Baseline), meanSD(p.Followup), changeCI(p), fixed(p.T, 2), fixed(p.DF, 0), pValue(p.PT), wilcoxonP(p.Wilcoxon), fixed(p.Dz, 2)}
}

func (a *Analysis) writeMeasuresText(b *bufio.Writer, first string, ms []labelled) {
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, first+"\tMeasure\tn\t"+a.From.ID+" mean (SD)\t"+a.To.ID+" mean (SD)\tChange [95% CI]\tt\tdf\tp (t)\tp (Wilcoxon)\td_z\t")
	for _, l := range ms {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t\n", l.First, l.Measure.Variable, l.Measure.Paired.N, strings.Join(outcomeCells(l.Measure.Paired), "\t"))
	}
	tw.Flush()
}

// clusterSentence says how the outcome table's consumers cluster and what
// the paired tests make of it.
func (s StudyTables) clusterSentence() string {
	c := s.Clustering
	none := ""
	if c.NoClinician > 0 {
		none = fmt.Sprintf(", %d with no clinician assigned or rating them", c.NoClinician)
	}
	return fmt.Sprintf("The %d consumers with a pair cluster within %s and within %s%s; a consumer's clinician is the one assigned to them, else the one who rated them. "+
		"The paired tests and intervals above treat consumers as independent and ignore this clustering: "+
		"where consumers of one site or clinician resemble each other, their p values are too small and their intervals too narrow; "+
		"a mixed model with site (and clinician) as random effects is the analysis that accounts for it.",
		c.Consumers, sizeText(c.BySite, "site"), sizeText(c.ByClinician, "clinician"), none)
}

func sizeText(s ClusterSizes, what string) string {
	if s.Clusters == 0 {
		return "no " + what
	}
	if s.Min == s.Max {
		return fmt.Sprintf("%d %s (%d %s each)", s.Clusters, plural(s.Clusters, what), s.Min, plural(s.Min, "consumer"))
	}
	return fmt.Sprintf("%d %s (%d to %d consumers each, mean %s)", s.Clusters, plural(s.Clusters, what), s.Min, s.Max, fixed(s.Mean, 2))
}

func plural(n int, what string) string {
	if n == 1 {
		return what
	}
	return what + "s"
}

// iccText prints an ICC with two decimals, NA when not computable.
func iccText(v float64) string { return fixed(v, 2) }

// siteCellText is a site's paired n and mean change: "2: +2.25".
func siteCellText(c SiteCell) string {
	if c.N == 0 {
		return "0"
	}
	return fmt.Sprintf("%d: %s", c.N, signed(c.Change))
}

// fidelityCellText is a site's score with its band: "4.33 High", "-" when
// not rated.
func fidelityCellText(f *Fidelity) string {
	if f == nil {
		return "-"
	}
	return joinNonEmpty(" ", fixed(f.Mean, 2), f.BandLabel)
}

func highText(h HighCount) string {
	return fmt.Sprintf("%d of %d rated", h.High, h.Rated)
}

// acceptableText is the clinician table's summary line for one timepoint.
func (cf ClinicianFidelity) acceptableText(sh AcceptableShare) string {
	return fmt.Sprintf("%s: %d of %d clinicians rated (%d in the study) in the acceptable range, %s",
		sh.Timepoint, sh.Acceptable, sh.Rated, cf.InStudy, percent(sh.Share))
}

func (cf ClinicianFidelity) emptyText() string {
	if !cf.Defined {
		return "The study has no " + ClinicianFidelityID + " questionnaire: no clinician fidelity."
	}
	return "No " + ClinicianFidelityID + " ratings yet."
}

func completionCellText(t TimepointCompletion) string {
	if t.Expected == 0 && t.Completed == 0 {
		return "-"
	}
	return fmt.Sprintf("%d of %d (%s)", t.Completed, t.Expected, percent(t.Rate))
}

func (a *Analysis) writeStudyText(b *bufio.Writer) {
	s := a.Study
	b.WriteString("\nCLUSTERING OF CONSUMERS\n")
	b.WriteString(s.clusterSentence() + "\n")
	fmt.Fprintf(b, "%s.\n", ICCRule)
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "Outcome\tMeasure\tn\tSites\tICC (site)\tClinicians\tICC (clinician)\t")
	for _, o := range s.Outcomes {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%d\t%s\t\n", o.Domain, o.Measure.Variable, o.Measure.Paired.N, o.Sites, iccText(o.ICCSite), o.Clinicians, iccText(o.ICCClinician))
	}
	tw.Flush()

	fmt.Fprintf(b, "\nCONSUMER OUTCOMES PER SITE (paired n: mean change, %s to %s)\n", a.From.ID, a.To.ID)
	tw = tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	head := []string{"Site"}
	for _, o := range s.Outcomes {
		head = append(head, o.Measure.Variable)
	}
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for _, so := range s.SiteOutcomes {
		row := []string{so.Site}
		for _, c := range so.Cells {
			row = append(row, siteCellText(c))
		}
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	tw.Flush()

	cf := s.Clinicians
	fmt.Fprintf(b, "\nCLINICIAN FIDELITY (%s; %s)\n", joinNonEmpty(", ", "IT-IS", cf.Variable), AcceptableITISRule)
	if len(cf.Rows) == 0 {
		b.WriteString(cf.emptyText() + "\n")
	} else {
		tw = tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "Clinician\tSite\tTimepoint\tMean\tBand\tAcceptable\t")
		for _, r := range cf.Rows {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t\n", r.Clinician, r.Site, r.Timepoint, fixed(r.Mean, 2), orDash(r.Band), yesNo(r.Acceptable))
		}
		tw.Flush()
		for _, sh := range cf.Summary {
			b.WriteString(cf.acceptableText(sh) + "\n")
		}
	}

	fmt.Fprintf(b, "\nSITE FIDELITY AND GOI (mean over the site's raters; %s)\n", SiteBandsRule)
	sf := s.Sites
	if len(sf.Rows) == 0 {
		b.WriteString("No site ratings yet.\n")
		return
	}
	tw = tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	head = []string{"Site", "Timepoint"}
	for _, c := range sf.Columns {
		head = append(head, c.Variable)
	}
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for _, r := range sf.Rows {
		row := []string{r.Site, r.Timepoint}
		for _, c := range r.Cells {
			row = append(row, fidelityCellText(c))
		}
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	for _, tp := range a.Timepoints {
		row := []string{"reached high", tp.ID}
		found := false
		for _, h := range sf.High {
			if h.Timepoint == tp.ID {
				row = append(row, highText(h))
				found = true
			}
		}
		if found {
			fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
		}
	}
	tw.Flush()
}

func (a *Analysis) writeSiteCompletionText(b *bufio.Writer) {
	b.WriteString("\nFEASIBILITY: COMPLETION PER SITE (assessments completed of expected, every questionnaire of the protocol)\n")
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	head := []string{"Site"}
	for _, tp := range a.Timepoints {
		head = append(head, tp.ID)
	}
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for _, sc := range a.Study.SiteCompletion {
		row := []string{sc.Site}
		for _, t := range sc.Timepoints {
			row = append(row, completionCellText(t))
		}
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	tw.Flush()
}

func yesNo(v bool) string {
	if v {
		return "yes"
	}
	return "no"
}

// studyCSV adds the study's tables to the report CSV through add; it sets
// *participant for the rows about one clinician.
func (a *Analysis) studyCSV(add func(section, q, score, group, site, tp, stat, value string), participant *string) {
	s := a.Study
	span := a.From.ID + "-" + a.To.ID
	consumer := string(questionnaires.RoleConsumer)
	for i, o := range s.Outcomes {
		m := o.Measure
		add("outcome", m.Questionnaire, m.Score, consumer, "", span, "domain", o.Domain)
		add("clustering", m.Questionnaire, m.Score, consumer, "", span, "sites", strconv.Itoa(o.Sites))
		add("clustering", m.Questionnaire, m.Score, consumer, "", span, "icc_site", num(o.ICCSite))
		add("clustering", m.Questionnaire, m.Score, consumer, "", span, "clinicians", strconv.Itoa(o.Clinicians))
		add("clustering", m.Questionnaire, m.Score, consumer, "", span, "icc_clinician", num(o.ICCClinician))
		for _, so := range s.SiteOutcomes {
			c := so.Cells[i]
			add("outcome_site", m.Questionnaire, m.Score, consumer, so.Site, span, "n_pairs", strconv.Itoa(c.N))
			add("outcome_site", m.Questionnaire, m.Score, consumer, so.Site, span, "mean_change", num(c.Change))
		}
	}
	c := s.Clustering
	// Without a consumer outcome nothing clusters: no rows.
	for _, st := range clusteringStats(c, len(s.Outcomes) > 0) {
		add("clustering", "", "", consumer, "", span, st[0], st[1])
	}
	cf := s.Clinicians
	clinician := string(questionnaires.RoleClinician)
	for _, r := range cf.Rows {
		*participant = r.Clinician
		add("clinician_fidelity", ClinicianFidelityID, cf.Score, clinician, r.Site, r.Timepoint, "mean", num(r.Mean))
		add("clinician_fidelity", ClinicianFidelityID, cf.Score, clinician, r.Site, r.Timepoint, "band", r.Band)
		add("clinician_fidelity", ClinicianFidelityID, cf.Score, clinician, r.Site, r.Timepoint, "acceptable", strconv.FormatBool(r.Acceptable))
	}
	*participant = ""
	for _, sh := range cf.Summary {
		for _, st := range [][2]string{
			{"threshold", num(AcceptableITIS)},
			{"in_study", strconv.Itoa(cf.InStudy)},
			{"rated", strconv.Itoa(sh.Rated)},
			{"acceptable_n", strconv.Itoa(sh.Acceptable)},
			{"acceptable_share", num(sh.Share)},
		} {
			add("clinician_fidelity", ClinicianFidelityID, cf.Score, clinician, "", sh.Timepoint, st[0], st[1])
		}
	}
}

// clusteringStats are the clustering section's overall statistics, none
// when there is no outcome to cluster.
func clusteringStats(c Clustering, outcomes bool) [][2]string {
	if !outcomes {
		return nil
	}
	return [][2]string{
		{"consumers", strconv.Itoa(c.Consumers)},
		{"sites", strconv.Itoa(c.BySite.Clusters)},
		{"consumers_per_site_min", strconv.Itoa(c.BySite.Min)},
		{"consumers_per_site_max", strconv.Itoa(c.BySite.Max)},
		{"consumers_per_site_mean", num(c.BySite.Mean)},
		{"clinicians", strconv.Itoa(c.ByClinician.Clusters)},
		{"consumers_per_clinician_min", strconv.Itoa(c.ByClinician.Min)},
		{"consumers_per_clinician_max", strconv.Itoa(c.ByClinician.Max)},
		{"consumers_per_clinician_mean", num(c.ByClinician.Mean)},
		{"without_a_clinician", strconv.Itoa(c.NoClinician)},
	}
}
