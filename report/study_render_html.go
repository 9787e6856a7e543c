package report

import "fmt"

// studyView is the study's tables as the HTML template shows them: every
// cell already text, so the template only lays them out.
type studyView struct {
	ClusterSentence, ICCRule string
	Clusters                 []htmlRow
	SiteOutcomeHead          []string
	SiteOutcomes             []htmlRow

	ClinicianRule, ClinicianVariable, ClinicianEmpty string
	Clinicians                                       []htmlRow
	ClinicianSummary                                 []string

	SiteRule      string
	SiteHead      []string // the score columns' variables
	SiteLabels    []string // and their labels, for the title attribute
	SiteRows      []htmlRow
	SiteHigh      []htmlRow
	CompletionTPs []string
	Completion    []htmlRow
}

// measureRow is one row of an outcome table: first column, variable, n and
// outcomeCells.
func measureRow(l labelled) htmlRow {
	return append(htmlRow{l.First, l.Measure.Variable, fmt.Sprint(l.Measure.Paired.N)}, outcomeCells(l.Measure.Paired)...)
}

func (a *Analysis) studyView() studyView {
	s := a.Study
	v := studyView{ClusterSentence: s.clusterSentence(), ICCRule: ICCRule, ClinicianRule: AcceptableITISRule, SiteRule: SiteBandsRule}
	for _, o := range s.Outcomes {
		v.Clusters = append(v.Clusters, htmlRow{o.Domain, o.Measure.Variable, fmt.Sprint(o.Measure.Paired.N),
			fmt.Sprint(o.Sites), iccText(o.ICCSite), fmt.Sprint(o.Clinicians), iccText(o.ICCClinician)})
		v.SiteOutcomeHead = append(v.SiteOutcomeHead, o.Measure.Variable)
	}
	for _, so := range s.SiteOutcomes {
		row := htmlRow{so.Site}
		for _, c := range so.Cells {
			row = append(row, siteCellText(c))
		}
		v.SiteOutcomes = append(v.SiteOutcomes, row)
	}

	cf := s.Clinicians
	v.ClinicianVariable = cf.Variable
	if len(cf.Rows) == 0 {
		v.ClinicianEmpty = cf.emptyText()
	}
	for _, r := range cf.Rows {
		v.Clinicians = append(v.Clinicians, htmlRow{r.Clinician, r.Site, r.Timepoint, fixed(r.Mean, 2), orDash(r.Band), yesNo(r.Acceptable)})
	}
	for _, sh := range cf.Summary {
		v.ClinicianSummary = append(v.ClinicianSummary, cf.acceptableText(sh))
	}

	sf := s.Sites
	for _, c := range sf.Columns {
		v.SiteHead = append(v.SiteHead, c.Variable)
		v.SiteLabels = append(v.SiteLabels, c.Label)
	}
	for _, r := range sf.Rows {
		row := htmlRow{r.Site, r.Timepoint}
		for _, c := range r.Cells {
			row = append(row, fidelityCellText(c))
		}
		v.SiteRows = append(v.SiteRows, row)
	}
	for _, tp := range a.Timepoints {
		row := htmlRow{"reached high", tp.ID}
		for _, h := range sf.High {
			if h.Timepoint == tp.ID {
				row = append(row, highText(h))
			}
		}
		if len(row) > 2 {
			v.SiteHigh = append(v.SiteHigh, row)
		}
	}

	for _, tp := range a.Timepoints {
		v.CompletionTPs = append(v.CompletionTPs, tp.ID)
	}
	for _, sc := range s.SiteCompletion {
		row := htmlRow{sc.Site}
		for _, t := range sc.Timepoints {
			row = append(row, completionCellText(t))
		}
		v.Completion = append(v.Completion, row)
	}
	return v
}
