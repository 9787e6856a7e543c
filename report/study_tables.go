package report

import (
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// StudyTables are the tables the study behind the bot published (consumer
// outcomes, clinician and site fidelity, feasibility), computed from our
// data so that the team sees its paper's tables before the first consumer
// enrols and while data come in.
type StudyTables struct {
	// Outcomes are the consumer outcomes (every measure whose subjects are
	// consumers), baseline against follow-up, in battery order.
	Outcomes []Outcome
	// Clustering says how the consumers of Outcomes cluster within sites
	// and clinicians.
	Clustering Clustering
	// SiteOutcomes are the per-site results: each site's paired n and mean
	// change for every outcome, in Outcomes' order.
	SiteOutcomes []SiteOutcome
	Clinicians   ClinicianFidelity
	Sites        SiteFidelity
	// SiteCompletion is completion per site: the site's assessments
	// completed of those expected at each timepoint.
	SiteCompletion []SiteCompletion
}

// Outcome is one row of the consumer outcome table.
type Outcome struct {
	Domain  string // what it measures, as the study names it: "Hope"
	Measure Measure
	// Sites and Clinicians count the clusters of the outcome's pairs;
	// ICCSite and ICCClinician are the intraclass correlations of the
	// change within them (see ICC), NaN when not computable.
	Sites, Clinicians     int
	ICCSite, ICCClinician float64
}

// Clustering describes the consumers with a pair in any consumer outcome,
// grouped by site and by clinician.
type Clustering struct {
	Consumers int
	BySite    ClusterSizes
	// ByClinician groups consumers by their clinician (consumerClinicians:
	// the one assigned to them, else the one who rated them); NoClinician
	// counts those with neither, left out of ByClinician.
	ByClinician ClusterSizes
	NoClinician int
}

// ClusterSizes is how many clusters there are and how many consumers each
// holds.
type ClusterSizes struct {
	Clusters int
	Min, Max int
	Mean     float64 // NaN when there is no cluster
}

// SiteOutcome is one site's results for every outcome.
type SiteOutcome struct {
	Site  string
	Cells []SiteCell
}

// SiteCell is one site's paired n and mean change on one outcome; Change
// is NaN when the site has no pair.
type SiteCell struct {
	N      int
	Change float64
}

// SiteCompletion is one site's completion at each of the protocol's
// timepoints, in their order.
type SiteCompletion struct {
	Site       string
	Timepoints []TimepointCompletion
}

// TimepointCompletion counts a site's completed assessments of the ones
// expected at a timepoint (the protocol's batteries, Completion's rule).
type TimepointCompletion struct {
	Timepoint           string
	Completed, Expected int
	Rate                float64 // NaN when none expected
}

// outcomeDomains names the default battery's consumer outcomes as the
// study's table does (instrument ids are a contract, DESIGN.md); any other
// outcome goes by its questionnaire's title.
var outcomeDomains = map[string]string{
	"imrs-consumer":  "Illness self-management",
	"imrs-clinician": "Illness self-management (clinician)",
	"honos":          "Severity of problems",
	"gaf":            "Functioning",
	"hope":           "Hope",
	"symptoms":       "Symptoms",
	"qol":            "Quality of life",
}

func (a *Analysis) studyTables(d *store.ExportData, cat *questionnaires.Catalog, byKey map[assessmentKey]*assessment) StudyTables {
	var t StudyTables
	clinicianOf := consumerClinicians(d, cat, byKey)
	consumers := map[string]string{} // consumer -> site, over every outcome's pairs
	for _, m := range a.Measures {
		if m.Group != string(questionnaires.RoleConsumer) {
			continue
		}
		o := Outcome{Domain: outcomeDomain(cat, m), Measure: m}
		bySite, byClinician := map[string][]float64{}, map[string][]float64{}
		for _, p := range m.Pairs {
			consumers[p.Participant] = p.Site
			bySite[p.Site] = append(bySite[p.Site], p.To-p.From)
			if k, ok := clinicianOf[p.Participant]; ok {
				byClinician[k] = append(byClinician[k], p.To-p.From)
			}
		}
		o.Sites, o.Clinicians = len(bySite), len(byClinician)
		o.ICCSite, o.ICCClinician = ICC(groups(bySite)), ICC(groups(byClinician))
		t.Outcomes = append(t.Outcomes, o)
	}
	t.Clustering = clustering(consumers, clinicianOf)
	for _, s := range a.Sites {
		so := SiteOutcome{Site: s.Code}
		for _, o := range t.Outcomes {
			var d []float64
			for _, p := range o.Measure.Pairs {
				if p.Site == s.Code {
					d = append(d, p.To-p.From)
				}
			}
			c := SiteCell{N: len(d), Change: math.NaN()}
			if len(d) > 0 {
				c.Change = summarise(d).Mean
			}
			so.Cells = append(so.Cells, c)
		}
		t.SiteOutcomes = append(t.SiteOutcomes, so)
	}
	t.Clinicians = clinicianFidelity(cat, byKey, a)
	t.Sites = siteFidelity(a)
	t.SiteCompletion = siteCompletion(a)
	return t
}

func outcomeDomain(cat *questionnaires.Catalog, m Measure) string {
	d, ok := outcomeDomains[m.Questionnaire]
	if !ok {
		if q := cat.Questionnaires[m.Questionnaire]; q != nil {
			d = q.Title.In(labelLang)
		}
		if d == "" {
			d = m.Questionnaire
		}
	}
	// A questionnaire with several scores (GAF's symptoms and function)
	// gives one row each, told apart by the score's label.
	if q := cat.Questionnaires[m.Questionnaire]; q != nil && q.Scoring != nil && len(q.Scoring.Scores) > 1 {
		for _, s := range q.Scoring.Scores {
			if s.ID == m.Score {
				if l := s.Label.In(labelLang); l != "" {
					return d + ": " + l
				}
			}
		}
		return d + ": " + m.Score
	}
	return d
}

// consumerClinicians maps each consumer to their clinician: the one
// assigned to them (ExportData.Clinicians) or, where none is recorded,
// the respondent of their clinician-rated questionnaires, at the earliest
// timepoint and first questionnaire in battery order that has one.
func consumerClinicians(d *store.ExportData, cat *questionnaires.Catalog, byKey map[assessmentKey]*assessment) map[string]string {
	out := ratingClinicians(cat, byKey)
	maps.Copy(out, d.Clinicians)
	return out
}

// ratingClinicians maps each consumer to the clinician who rated them,
// as consumerClinicians says.
func ratingClinicians(cat *questionnaires.Catalog, byKey map[assessmentKey]*assessment) map[string]string {
	rank := rankOf(timepointIDs(cat))
	qrank := map[string]int{}
	for i, q := range questionnaireOrder(cat) {
		qrank[q.ID] = i
	}
	type pick struct {
		clinician string
		tp, q     int
	}
	best := map[string]pick{}
	for k, x := range byKey {
		q := cat.Questionnaires[k.questionnaire]
		if q == nil || q.Subject != questionnaires.SubjectConsumer || x.Respondent == x.Participant {
			continue
		}
		c := pick{x.Respondent, rank(k.timepoint), qrank[k.questionnaire]}
		if b, ok := best[k.participant]; !ok || c.tp < b.tp || (c.tp == b.tp && (c.q < b.q || (c.q == b.q && c.clinician < b.clinician))) {
			best[k.participant] = c
		}
	}
	out := make(map[string]string, len(best))
	for p, b := range best {
		out[p] = b.clinician
	}
	return out
}

func clustering(consumers map[string]string, clinicianOf map[string]string) Clustering {
	c := Clustering{Consumers: len(consumers)}
	bySite, byClinician := map[string]int{}, map[string]int{}
	for p, site := range consumers {
		bySite[site]++
		if k, ok := clinicianOf[p]; ok {
			byClinician[k]++
		} else {
			c.NoClinician++
		}
	}
	c.BySite, c.ByClinician = sizes(bySite), sizes(byClinician)
	return c
}

func sizes(counts map[string]int) ClusterSizes {
	s := ClusterSizes{Clusters: len(counts), Mean: math.NaN()}
	total := 0
	for _, n := range counts {
		if total == 0 || n < s.Min {
			s.Min = n
		}
		s.Max = max(s.Max, n)
		total += n
	}
	if len(counts) > 0 {
		s.Mean = float64(total) / float64(len(counts))
	}
	return s
}

// groups lists a map's groups in key order, so that sums run in the same
// order every time.
func groups(m map[string][]float64) [][]float64 {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([][]float64, len(keys))
	for i, k := range keys {
		out[i] = m[k]
	}
	return out
}

// ICCRule says how ICC is computed, for the renderers.
const ICCRule = "ICC(1), the one-way random-effects intraclass correlation of the change: (MSB - MSW) / (MSB + (k0 - 1) MSW) with k0 = (N - sum n_i^2 / N) / (g - 1) for g clusters of n_i consumers, N in all; a negative estimate (no more alike within clusters than between) is shown as 0; NA with fewer than 2 clusters or no cluster of 2"

// ICC is ICC(1) of values in groups (ICCRule): the share of their variance
// that lies between groups, from a one-way ANOVA with unequal group sizes.
// It is NaN with fewer than two groups or when every group has one value;
// negative estimates are 0.
func ICC(gs [][]float64) float64 {
	g, n := 0, 0
	var sum, sumSq float64
	for _, x := range gs {
		if len(x) == 0 {
			continue
		}
		g++
		n += len(x)
		sumSq += float64(len(x) * len(x))
		for _, v := range x {
			sum += v
		}
	}
	if g < 2 || n <= g {
		return math.NaN()
	}
	grand := sum / float64(n)
	var ssb, ssw float64
	for _, x := range gs {
		if len(x) == 0 {
			continue
		}
		m := summarise(x).Mean
		ssb += float64(len(x)) * (m - grand) * (m - grand)
		for _, v := range x {
			ssw += (v - m) * (v - m)
		}
	}
	msb, msw := ssb/float64(g-1), ssw/float64(n-g)
	k0 := (float64(n) - sumSq/float64(n)) / float64(g-1)
	den := msb + (k0-1)*msw
	if den == 0 {
		return math.NaN() // every value equal: no variance to share out
	}
	return math.Max(0, (msb-msw)/den)
}

func siteCompletion(a *Analysis) []SiteCompletion {
	type sum struct{ done, expected int }
	sums := map[[2]string]*sum{}
	for _, c := range a.Completion {
		if !c.InBattery {
			continue
		}
		k := [2]string{c.Site, c.Timepoint}
		if sums[k] == nil {
			sums[k] = &sum{}
		}
		sums[k].done += c.Completed
		sums[k].expected += c.Expected
	}
	var out []SiteCompletion
	for _, s := range a.Sites {
		sc := SiteCompletion{Site: s.Code}
		for _, tp := range a.Timepoints {
			x := sums[[2]string{s.Code, tp.ID}]
			if x == nil {
				x = &sum{}
			}
			tc := TimepointCompletion{Timepoint: tp.ID, Completed: x.done, Expected: x.expected, Rate: math.NaN()}
			if x.expected > 0 {
				tc.Rate = float64(x.done) / float64(x.expected)
			}
			sc.Timepoints = append(sc.Timepoints, tc)
		}
		out = append(out, sc)
	}
	return out
}

// joinNonEmpty joins the non-empty parts with sep.
func joinNonEmpty(sep string, parts ...string) string {
	return strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), sep)
}
