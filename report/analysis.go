package report

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// Analysis is the study's outcome report, ready to render.
type Analysis struct {
	GeneratedAt time.Time
	// From and To are the compared timepoints (baseline and m12 by default).
	From, To   questionnaires.Timepoint
	Measures   []Measure
	Fidelity   []Fidelity
	Completion []Completion
	Retention  []Retention
	// Flow counts every consumer and clinician by how far they came
	// (invited, linked, consented, declined, own part done per timepoint,
	// withdrawn), per site and role, then for all sites (Site AllSites):
	// the same rule as /status.
	Flow       []questionnaires.SiteFlow
	Timepoints []questionnaires.Timepoint
	Sites      []store.Site
	// Study holds the study's own tables, built from the above.
	Study    StudyTables
	Warnings []string
}

// Measure is one score of one questionnaire about individuals, compared
// between From and To over the participants with a score at both.
type Measure struct {
	Questionnaire string
	Score         string
	Variable      string // its wide-export column, e.g. hope_total
	Label         string
	Group         string // the subjects' role: consumer or clinician
	Min, Max      float64
	ScaleKnown    bool
	// NFrom and NTo count the subjects with a score at each timepoint;
	// Paired.N those with both.
	NFrom, NTo int
	Pairs      []Pair
	Paired     Paired
}

// Pair is one subject's score at both timepoints.
type Pair struct {
	Participant, Site string
	From, To          float64
}

// Fidelity is a site's rating on one score of a site questionnaire
// (imr-fidelity, goi) at one timepoint: the mean over the site's raters.
type Fidelity struct {
	Site, Timepoint, Questionnaire, Score, Label string
	Variable                                     string // its wide-export column
	Raters                                       int
	Mean                                         float64
	Band, BandLabel                              string // "" when the score has no bands (fidelityBand)
	Top                                          bool   // in the top band: high fidelity
}

// Completion counts one questionnaire's assessments at one site and
// timepoint against the participants expected to answer it.
type Completion struct {
	Site, Timepoint, Questionnaire string
	Expected                       int // consented subjects (linked coordinators for site ratings)
	Completed, InProgress, Expired int
	Rate                           float64 // Completed / Expected; NaN when none expected
	InBattery                      bool    // false: data for a questionnaire the protocol no longer asks there
}

// AllSites is the Site of the flow's rows that count every site.
const AllSites = "all sites"

// RetentionRule says what Retention counts, for the renderers.
const RetentionRule = "a consumer has a timepoint when they completed at least one of their own questionnaires there; their clinician's ratings of them do not count"

// Retention follows a site's consumers from From to To: a consumer has a
// timepoint when they completed at least one questionnaire of their own
// battery there (RetentionRule): follow-up data from the consumer, which
// their clinician's ratings alone are not.
type Retention struct {
	Site                 string
	Consented, Withdrawn int
	Erased               int
	AtFrom, AtTo, AtBoth int
	Rate                 float64 // AtBoth / AtFrom; NaN when AtFrom is 0
}

// Options choose the compared timepoints; empty fields take the protocol's
// baseline (its month-0 timepoint) and m12 (else its last timepoint).
type Options struct {
	From, To string
	Now      time.Time
}

// Analyse computes the outcome report from a snapshot of the data.
func Analyse(d *store.ExportData, cat *questionnaires.Catalog, opt Options) (*Analysis, error) {
	from, to, err := comparedTimepoints(cat.Protocol, opt)
	if err != nil {
		return nil, err
	}
	a := &Analysis{GeneratedAt: opt.Now, From: from, To: to, Timepoints: cat.Protocol.Timepoints, Sites: d.Sites}
	byKey, warnings := collectAssessments(d.Answers)
	a.Warnings = append(placeholderWarnings(d, cat), warnings...)
	for _, q := range questionnaireOrder(cat) {
		if q.Scoring == nil {
			continue
		}
		for _, s := range q.Scoring.Scores {
			if q.Subject == questionnaires.SubjectSite {
				a.Fidelity = append(a.Fidelity, fidelity(q, s, byKey, d.Sites, cat.Protocol.Timepoints)...)
				continue
			}
			a.Measures = append(a.Measures, measure(q, s, byKey, from.ID, to.ID))
		}
	}
	a.Completion = completion(d, cat)
	a.Retention = retention(d, cat, from.ID, to.ID)
	a.Flow = flow(d, cat)
	a.Study = a.studyTables(d, cat, byKey)
	return a, nil
}

func comparedTimepoints(p questionnaires.Protocol, opt Options) (from, to questionnaires.Timepoint, err error) {
	if len(p.Timepoints) == 0 {
		return from, to, fmt.Errorf("report.Analyse: the protocol has no timepoints")
	}
	pick := func(id, fallback string, def func() questionnaires.Timepoint) (questionnaires.Timepoint, error) {
		if id == "" {
			if tp, ok := p.Timepoint(fallback); ok {
				return tp, nil
			}
			return def(), nil
		}
		tp, ok := p.Timepoint(id)
		if !ok {
			return tp, fmt.Errorf("report.Analyse: the protocol has no timepoint %q", id)
		}
		return tp, nil
	}
	from, err = pick(opt.From, "baseline", func() questionnaires.Timepoint {
		for _, tp := range p.Timepoints {
			if tp.Months == 0 {
				return tp
			}
		}
		return p.Timepoints[0]
	})
	if err != nil {
		return from, to, err
	}
	to, err = pick(opt.To, "m12", func() questionnaires.Timepoint { return p.Timepoints[len(p.Timepoints)-1] })
	return from, to, err
}

// subjectRole is whom a questionnaire's scores describe.
func subjectRole(q *questionnaires.Questionnaire) string {
	switch q.Subject {
	case questionnaires.SubjectConsumer:
		return string(questionnaires.RoleConsumer)
	case questionnaires.SubjectClinician:
		return string(questionnaires.RoleClinician)
	}
	return string(q.Respondent)
}

func measure(q *questionnaires.Questionnaire, s questionnaires.Score, byKey map[assessmentKey]*assessment, from, to string) Measure {
	m := Measure{
		Questionnaire: q.ID, Score: s.ID, Variable: scoreColumn(q, s.ID),
		Label: scoreLabel(q, s), Group: subjectRole(q),
	}
	m.Min, m.Max, m.ScaleKnown = scoreScale(q, s)
	type sc struct {
		site string
		v    float64
	}
	at := func(tp string) map[string]sc {
		out := map[string]sc{}
		for k, x := range byKey {
			if k.questionnaire != q.ID || k.timepoint != tp {
				continue
			}
			for _, r := range x.scores(q) {
				if r.ID == s.ID && r.OK {
					out[k.participant] = sc{x.Site, r.Value}
				}
			}
		}
		return out
	}
	f, t := at(from), at(to)
	m.NFrom, m.NTo = len(f), len(t)
	for p, b := range f {
		if e, ok := t[p]; ok {
			m.Pairs = append(m.Pairs, Pair{Participant: p, Site: b.site, From: b.v, To: e.v})
		}
	}
	slices.SortFunc(m.Pairs, func(a, b Pair) int { return strings.Compare(a.Participant, b.Participant) })
	bs, fs := make([]float64, len(m.Pairs)), make([]float64, len(m.Pairs))
	for i, p := range m.Pairs {
		bs[i], fs[i] = p.From, p.To
	}
	m.Paired = PairedAnalysis(bs, fs)
	return m
}

func fidelity(q *questionnaires.Questionnaire, s questionnaires.Score, byKey map[assessmentKey]*assessment, sites []store.Site, tps []questionnaires.Timepoint) []Fidelity {
	var out []Fidelity
	for _, tp := range tps {
		for _, site := range sites {
			var sum float64
			n := 0
			for k, x := range byKey {
				if k.questionnaire != q.ID || k.timepoint != tp.ID || x.Site != site.Code {
					continue
				}
				for _, r := range x.scores(q) {
					if r.ID == s.ID && r.OK {
						sum += r.Value
						n++
					}
				}
			}
			if n == 0 {
				continue
			}
			f := Fidelity{Site: site.Code, Timepoint: tp.ID, Questionnaire: q.ID, Score: s.ID, Variable: scoreColumn(q, s.ID), Label: scoreLabel(q, s), Raters: n, Mean: sum / float64(n)}
			if b, top := fidelityBand(s, f.Mean); b != nil {
				f.Band, f.BandLabel, f.Top = b.ID, b.Label.In(labelLang), top
			}
			out = append(out, f)
		}
	}
	return out
}

func completion(d *store.ExportData, cat *questionnaires.Catalog) []Completion {
	enrolled := map[[2]string]int{} // (site, role) -> expected respondents or subjects
	assessors := false
	for _, e := range d.Enrolment {
		if e.Role == string(questionnaires.RoleAssessor) && e.Linked > 0 {
			assessors = true
		}
		n := e.Consented
		if e.Role == string(questionnaires.RoleCoordinator) {
			n = e.Linked // coordinators are not asked for consent
		}
		enrolled[[2]string{e.Site, e.Role}] = n
	}
	counts := map[[3]string]store.CompletionCount{}
	for _, c := range d.Completion {
		counts[[3]string{c.Site, c.Timepoint, c.Questionnaire}] = c
	}
	var out []Completion
	used := map[[3]string]bool{}
	for _, tp := range cat.Protocol.Timepoints {
		for _, site := range d.Sites {
			for _, b := range cat.Protocol.Batteries {
				if !slices.Contains(b.Timepoints, tp.ID) {
					continue
				}
				role := string(b.Role)
				switch b.Subject {
				case questionnaires.SubjectConsumer, questionnaires.SubjectClinician:
					role = string(b.Subject) // each consumer (clinician) is rated
				case questionnaires.SubjectSite:
					// Assessors, once any takes part, rate every site
					// instead of its coordinator.
					if (b.Role == questionnaires.RoleAssessor) != assessors {
						continue
					}
				}
				for _, qid := range b.Questionnaires {
					k := [3]string{site.Code, tp.ID, qid}
					if used[k] {
						continue
					}
					used[k] = true
					c := counts[k]
					expected := enrolled[[2]string{site.Code, role}]
					if b.Subject == questionnaires.SubjectSite && b.Role == questionnaires.RoleAssessor {
						expected = 1 // the assessors rate each site once
					}
					out = append(out, newCompletion(k, expected, c, true))
				}
			}
		}
	}
	for _, c := range d.Completion {
		k := [3]string{c.Site, c.Timepoint, c.Questionnaire}
		if !used[k] {
			out = append(out, newCompletion(k, 0, c, false))
		}
	}
	return out
}

func newCompletion(k [3]string, expected int, c store.CompletionCount, inBattery bool) Completion {
	r := math.NaN()
	if expected > 0 {
		r = float64(c.Completed) / float64(expected)
	}
	return Completion{
		Site: k[0], Timepoint: k[1], Questionnaire: k[2], Expected: expected,
		Completed: c.Completed, InProgress: c.InProgress, Expired: c.Expired, Rate: r, InBattery: inBattery,
	}
}

// flow counts d's participants per site and role, then over all sites.
func flow(d *store.ExportData, cat *questionnaires.Catalog) []questionnaires.SiteFlow {
	out := cat.Protocol.CountFlow(d.Flow)
	all := make([]questionnaires.FlowMember, len(d.Flow))
	for i, m := range d.Flow {
		m.Site = AllSites
		all[i] = m
	}
	return append(out, cat.Protocol.CountFlow(all)...)
}

func retention(d *store.ExportData, cat *questionnaires.Catalog, from, to string) []Retention {
	var out []Retention
	for _, s := range d.Sites {
		r := Retention{Site: s.Code, Rate: math.NaN()}
		for _, e := range d.Enrolment {
			if e.Site == s.Code && e.Role == string(questionnaires.RoleConsumer) {
				r.Consented, r.Withdrawn, r.Erased = e.Consented, e.Withdrawn, e.Erased
			}
		}
		for _, m := range d.Flow {
			if m.Site != s.Code || m.Role != questionnaires.RoleConsumer {
				continue
			}
			f, t := ownAnswers(cat, from, m.Completed), ownAnswers(cat, to, m.Completed)
			if f {
				r.AtFrom++
			}
			if t {
				r.AtTo++
			}
			if f && t {
				r.AtBoth++
			}
		}
		if r.AtFrom > 0 {
			r.Rate = float64(r.AtBoth) / float64(r.AtFrom)
		}
		out = append(out, r)
	}
	return out
}

// ownAnswers: a consumer completed at least one questionnaire of their own
// battery at timepoint tp.
func ownAnswers(cat *questionnaires.Catalog, tp string, completed map[[2]string]bool) bool {
	for _, q := range cat.Protocol.BatteryFor(questionnaires.RoleConsumer, questionnaires.SubjectSelf, tp) {
		if completed[[2]string{q, tp}] {
			return true
		}
	}
	return false
}
