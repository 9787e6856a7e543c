package report

import (
	"math"
	"slices"
	"strings"

	"github.com/imrbot/imrbot/questionnaires"
)

// ClinicianFidelityID is the questionnaire that rates each clinician's
// IMR sessions: the IMR Treatment Integrity Scale (DESIGN.md's battery).
const ClinicianFidelityID = "it-is"

// AcceptableITIS is the IT-IS mean at and above which a clinician is in
// the acceptable range. The IT-IS has no published cut-off for its mean;
// its item guidelines (McGuire et al. 2012) read 1 to < 2 unsatisfactory,
// 2 to < 3 needs improvement, 3 to < 4 satisfactory, 4 to < 5 very good,
// 5 excellent, and studies apply them to the mean (Roosenschoon et al.
// 2023): acceptable is satisfactory or better.
const AcceptableITIS = 3.0

// AcceptableITISRule says what AcceptableITIS means, for the renderers.
const AcceptableITISRule = "acceptable: an IT-IS mean of 3 or more, satisfactory or better by the IT-IS guidelines (McGuire et al. 2012: 1 to < 2 unsatisfactory, 2 to < 3 needs improvement, 3 to < 4 satisfactory, 4 to < 5 very good, 5 excellent), which have no cut-off of their own for the mean and are applied to it as in Roosenschoon et al. 2023"

// itisBands are the IT-IS guidelines as bands, for a definition that has
// none of its own.
var itisBands = []questionnaires.Band{
	{ID: "unsatisfactory", Min: 1, Label: questionnaires.Text{"en": "Unsatisfactory"}},
	{ID: "needs_improvement", Min: 2, Label: questionnaires.Text{"en": "Needs improvement"}},
	{ID: "satisfactory", Min: 3, Label: questionnaires.Text{"en": "Satisfactory"}},
	{ID: "very_good", Min: 4, Label: questionnaires.Text{"en": "Very good"}},
	{ID: "excellent", Min: 5, Label: questionnaires.Text{"en": "Excellent"}},
}

// siteBands are the fidelity scales' bands (DESIGN.md: mean >= 4 high,
// 3 to < 4 moderate, < 3 low), given to a site rating's mean that has no
// bands of its own (the GOI's subscales are read like the IMR Fidelity
// Scale).
var siteBands = []questionnaires.Band{
	{ID: "low", Min: math.Inf(-1), Label: questionnaires.Text{"en": "Low"}},
	{ID: "moderate", Min: 3, Label: questionnaires.Text{"en": "Moderate"}},
	{ID: "high", Min: 4, Label: questionnaires.Text{"en": "High"}},
}

// SiteBandsRule says which bands site ratings get, for the renderers.
const SiteBandsRule = "bands from the definition, else the fidelity scales' (mean >= 4 high, 3 to < 4 moderate, < 3 low); high: the top band"

// ClinicianFidelity is the IT-IS table: each rated clinician's mean at each
// timepoint it was rated, and the share in the acceptable range.
type ClinicianFidelity struct {
	// Defined: the catalog has the it-is questionnaire with a score.
	Defined  bool
	Score    string // the score's id
	Variable string // its wide-export column, it_is_mean
	// InStudy counts the clinicians in the study (consented), the
	// denominator beside Rated.
	InStudy int
	Rows    []ClinicianRating
	Summary []AcceptableShare // one per timepoint with ratings
}

// ClinicianRating is one clinician's IT-IS at one timepoint.
type ClinicianRating struct {
	Clinician, Site, Timepoint string
	Mean                       float64
	Band                       string // the band's label
	Acceptable                 bool   // Mean >= AcceptableITIS
}

// AcceptableShare counts the clinicians rated at a timepoint and those in
// the acceptable range.
type AcceptableShare struct {
	Timepoint         string
	Rated, Acceptable int
	Share             float64 // Acceptable / Rated; NaN when none rated
}

func clinicianFidelity(cat *questionnaires.Catalog, byKey map[assessmentKey]*assessment, a *Analysis) ClinicianFidelity {
	var cf ClinicianFidelity
	for _, f := range a.Flow {
		if f.Site == AllSites && f.Role == string(questionnaires.RoleClinician) {
			cf.InStudy = f.Consented
		}
	}
	q := cat.Questionnaires[ClinicianFidelityID]
	if q == nil || q.Scoring == nil || len(q.Scoring.Scores) == 0 {
		return cf
	}
	s := q.Scoring.Scores[0]
	for _, x := range q.Scoring.Scores {
		if x.ID == "mean" || scoreColumn(q, x.ID) == varPrefix(q.ID)+"_mean" {
			s = x
			break
		}
	}
	cf.Defined, cf.Score, cf.Variable = true, s.ID, scoreColumn(q, s.ID)
	bands := s.Bands
	if len(bands) == 0 {
		bands = itisBands
	}
	for k, x := range byKey {
		if k.questionnaire != q.ID {
			continue
		}
		for _, r := range x.scores(q) {
			if r.ID != s.ID || !r.OK {
				continue
			}
			row := ClinicianRating{Clinician: k.participant, Site: x.Site, Timepoint: k.timepoint, Mean: r.Value, Acceptable: r.Value >= AcceptableITIS}
			if b := bandOf(bands, r.Value); b != nil {
				row.Band = b.Label.In(labelLang)
			}
			cf.Rows = append(cf.Rows, row)
		}
	}
	rank := rankOf(timepointIDs(cat))
	slices.SortFunc(cf.Rows, func(a, b ClinicianRating) int {
		if d := rank(a.Timepoint) - rank(b.Timepoint); d != 0 {
			return d
		}
		return compareStrings([]string{a.Site, a.Clinician}, []string{b.Site, b.Clinician})
	})
	for _, r := range cf.Rows {
		if n := len(cf.Summary); n == 0 || cf.Summary[n-1].Timepoint != r.Timepoint {
			cf.Summary = append(cf.Summary, AcceptableShare{Timepoint: r.Timepoint})
		}
		sh := &cf.Summary[len(cf.Summary)-1]
		sh.Rated++
		if r.Acceptable {
			sh.Acceptable++
		}
		sh.Share = float64(sh.Acceptable) / float64(sh.Rated)
	}
	return cf
}

// SiteFidelity is the site table: one row per site and timepoint with a
// rating, one column per score of the site questionnaires (the IMR
// Fidelity Scale's mean, the GOI's subscales), and how many sites reached
// the top band on each.
type SiteFidelity struct {
	Columns []SiteScore
	Rows    []SiteFidelityRow
	High    []HighCount // per timepoint and column
}

// SiteScore is one column of the site table.
type SiteScore struct {
	Questionnaire, Score, Variable, Label string
}

// SiteFidelityRow is one site's ratings at one timepoint, in Columns'
// order; nil where the site has no rating on that score (every cell nil:
// the site was not rated at a timepoint where others were).
type SiteFidelityRow struct {
	Site, Timepoint string
	Cells           []*Fidelity
}

// HighCount is how many of the sites rated on one score at one timepoint
// reached its top band (high fidelity).
type HighCount struct {
	Timepoint, Variable string
	Rated, High         int
}

func siteFidelity(a *Analysis) SiteFidelity {
	var sf SiteFidelity
	col := map[string]int{}
	for _, f := range a.Fidelity {
		if _, ok := col[f.Variable]; !ok {
			col[f.Variable] = len(sf.Columns)
			sf.Columns = append(sf.Columns, SiteScore{Questionnaire: f.Questionnaire, Score: f.Score, Variable: f.Variable, Label: f.Label})
		}
	}
	rows := map[[2]string]*SiteFidelityRow{}
	for i := range a.Fidelity {
		f := &a.Fidelity[i]
		k := [2]string{f.Site, f.Timepoint}
		if rows[k] == nil {
			rows[k] = &SiteFidelityRow{Site: f.Site, Timepoint: f.Timepoint, Cells: make([]*Fidelity, len(sf.Columns))}
		}
		rows[k].Cells[col[f.Variable]] = f
	}
	for _, tp := range a.Timepoints {
		rated := false
		for _, s := range a.Sites {
			rated = rated || rows[[2]string{s.Code, tp.ID}] != nil
		}
		if !rated {
			continue
		}
		// Every site has a row where any was rated, so that one not
		// rated shows as such and not as a site fewer.
		counts := make([]HighCount, len(sf.Columns))
		for _, s := range a.Sites {
			r := rows[[2]string{s.Code, tp.ID}]
			if r == nil {
				r = &SiteFidelityRow{Site: s.Code, Timepoint: tp.ID, Cells: make([]*Fidelity, len(sf.Columns))}
			}
			sf.Rows = append(sf.Rows, *r)
			for i, c := range r.Cells {
				if c != nil {
					counts[i].Rated++
					if c.Top {
						counts[i].High++
					}
				}
			}
		}
		for i := range counts {
			counts[i].Timepoint, counts[i].Variable = tp.ID, sf.Columns[i].Variable
		}
		sf.High = append(sf.High, counts...)
	}
	return sf
}

// fidelityBand is a site score's band: the definition's, else siteBands
// for a mean; top says it is the highest band.
func fidelityBand(s questionnaires.Score, v float64) (b *questionnaires.Band, top bool) {
	bands := s.Bands
	if len(bands) == 0 && strings.EqualFold(s.Method, "mean") {
		bands = siteBands
	}
	b = bandOf(bands, v)
	if b == nil {
		return nil, false
	}
	for _, o := range bands {
		if o.Min > b.Min {
			return b, false
		}
	}
	return b, true
}
