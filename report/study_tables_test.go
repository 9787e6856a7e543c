package report

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// studyCatalog is a small study shaped like the default one: a consumer
// self-report (imrs-consumer, mean of two items), a clinician's rating of
// the consumer (honos), the IT-IS about each clinician and the two site
// ratings, imr-fidelity and a GOI with its two subscales, none with bands
// of its own (the report's IT-IS guidelines and fidelity bands apply).
func studyCatalog() *questionnaires.Catalog {
	choice := func(id string, lo, hi int) questionnaires.Item {
		return questionnaires.Item{ID: id, Type: questionnaires.TypeChoice, Text: txt(id), Options: opts(lo, hi)}
	}
	mean := func(id string, items ...string) questionnaires.Score {
		return questionnaires.Score{ID: id, Label: txt(id), Method: "mean", Items: items}
	}
	q := func(id string, resp questionnaires.Role, subj questionnaires.Subject, lo, hi int, items []string, scores ...questionnaires.Score) *questionnaires.Questionnaire {
		x := &questionnaires.Questionnaire{ID: id, Version: "1", Title: txt(id), Respondent: resp, Subject: subj, Scoring: &questionnaires.Scoring{Scores: scores}}
		for _, it := range items {
			x.Items = append(x.Items, choice(it, lo, hi))
		}
		return x
	}
	qs := []*questionnaires.Questionnaire{
		q("imrs-consumer", questionnaires.RoleConsumer, questionnaires.SubjectSelf, 1, 5, []string{"i1", "i2"}, mean("mean")),
		q("honos", questionnaires.RoleClinician, questionnaires.SubjectConsumer, 0, 4, []string{"h1"}, questionnaires.Score{ID: "total", Label: txt("total"), Method: "sum"}),
		q("it-is", questionnaires.RoleAssessor, questionnaires.SubjectClinician, 1, 5, []string{"i1", "i2", "i3"}, mean("mean")),
		q("imr-fidelity", questionnaires.RoleAssessor, questionnaires.SubjectSite, 1, 5, []string{"i1", "i2", "i3"}, mean("mean")),
		q("goi", questionnaires.RoleAssessor, questionnaires.SubjectSite, 1, 5, []string{"g1", "g2", "g3", "g4"},
			mean("individualization_mean", "g1", "g2"), mean("quality_improvement_mean", "g3", "g4")),
	}
	cat := &questionnaires.Catalog{Questionnaires: map[string]*questionnaires.Questionnaire{}, Protocol: questionnaires.Protocol{
		Timepoints: []questionnaires.Timepoint{{ID: "baseline", Label: txt("Baseline")}, {ID: "m12", Label: txt("12 months"), Months: 12}},
		Batteries: []questionnaires.Battery{
			{Role: "consumer", Subject: "self", Timepoints: []string{"baseline", "m12"}, Questionnaires: []string{"imrs-consumer"}},
			{Role: "clinician", Subject: "consumer", Timepoints: []string{"baseline"}, Questionnaires: []string{"honos"}},
			{Role: "coordinator", Subject: "site", Timepoints: []string{"m12"}, Questionnaires: []string{"imr-fidelity", "goi"}},
			{Role: "assessor", Subject: "site", Timepoints: []string{"m12"}, Questionnaires: []string{"imr-fidelity", "goi"}},
			{Role: "assessor", Subject: "clinician", Timepoints: []string{"m12"}, Questionnaires: []string{"it-is"}},
		},
	}}
	for _, x := range qs {
		cat.Questionnaires[x.ID] = x
	}
	return cat
}

// studyTablesData is the hand-made data set behind TestStudyTables, with
// every number worked out by hand:
//
//	consumer  site  rated by  imrs baseline -> m12  change
//	AAA-C-1   AAA   AAA-K-1   2 -> 4                 +2
//	AAA-C-2   AAA   AAA-K-2   3 -> 4                 +1
//	BBB-C-1   BBB   BBB-K-1   2 -> 2                  0
//	BBB-C-2   BBB   BBB-K-1   1 -> 2                 +1
//	CCC-C-1   CCC   CCC-K-1   1 -> 4                 +3
//	CCC-C-2   CCC   -         2 -> (none)
//
// IT-IS at m12: AAA-K-1 3,3,3 = 3.00, AAA-K-2 3,3,2 = 2.67, BBB-K-1
// 4,4,5 = 4.33; CCC-K-1 not rated. Site ratings at m12: imr-fidelity AAA
// 4,4,4 = 4.00, BBB 3,4,4 = 3.67, CCC 2,3,2 = 2.33; GOI Individualization
// AAA 4,5 = 4.5, BBB 4,4 = 4; Quality Improvement AAA 3,4 = 3.5, BBB 2,3 =
// 2.5; CCC has no GOI.
func studyTablesData() *store.ExportData {
	d := &store.ExportData{Sites: []store.Site{{Code: "AAA"}, {Code: "BBB"}, {Code: "CCC"}}}
	add := func(subject, subjectRole, respondent, site, q, tp string, items ...string) {
		for i, v := range items {
			x := store.ExportAnswer{
				Participant: subject, SubjectRole: subjectRole, Respondent: respondent, Site: site, Questionnaire: q,
				Version: "1", Timepoint: tp, Status: "completed", Item: fmt.Sprintf("%c%d", q[0], i+1), AnsweredAt: reportTime,
			}
			x.Value.String, x.Value.Valid = v, true
			d.Answers = append(d.Answers, x)
		}
	}
	for _, c := range []struct {
		code, site, clinician, base, m12 string
	}{
		{"AAA-C-1", "AAA", "AAA-K-1", "2", "4"},
		{"AAA-C-2", "AAA", "AAA-K-2", "3", "4"},
		{"BBB-C-1", "BBB", "BBB-K-1", "2", "2"},
		{"BBB-C-2", "BBB", "BBB-K-1", "1", "2"},
		{"CCC-C-1", "CCC", "CCC-K-1", "1", "4"},
		{"CCC-C-2", "CCC", "", "2", ""},
	} {
		add(c.code, "consumer", c.code, c.site, "imrs-consumer", "baseline", c.base, c.base)
		if c.m12 != "" {
			add(c.code, "consumer", c.code, c.site, "imrs-consumer", "m12", c.m12, c.m12)
		}
		if c.clinician != "" {
			add(c.code, "consumer", c.clinician, c.site, "honos", "baseline", "2")
		}
	}
	add("AAA-K-1", "clinician", "EXT-A-1", "AAA", "it-is", "m12", "3", "3", "3")
	add("AAA-K-2", "clinician", "EXT-A-1", "AAA", "it-is", "m12", "3", "3", "2")
	add("BBB-K-1", "clinician", "EXT-A-1", "BBB", "it-is", "m12", "4", "4", "5")
	add("AAA", "site", "EXT-A-1", "AAA", "imr-fidelity", "m12", "4", "4", "4")
	add("BBB", "site", "EXT-A-1", "BBB", "imr-fidelity", "m12", "3", "4", "4")
	add("CCC", "site", "EXT-A-1", "CCC", "imr-fidelity", "m12", "2", "3", "2")
	add("AAA", "site", "EXT-A-1", "AAA", "goi", "m12", "4", "5", "3", "4")
	add("BBB", "site", "EXT-A-1", "BBB", "goi", "m12", "4", "4", "2", "3")

	// Completion as the store counts it: consumers' imrs-consumer and
	// the site ratings; clinicians consented 2, 1, 1; one assessor linked.
	d.Enrolment = []store.SiteEnrolment{
		{Site: "AAA", Role: "consumer", Consented: 2}, {Site: "AAA", Role: "clinician", Consented: 2}, {Site: "AAA", Role: "assessor", Linked: 1},
		{Site: "BBB", Role: "consumer", Consented: 2}, {Site: "BBB", Role: "clinician", Consented: 1},
		{Site: "CCC", Role: "consumer", Consented: 2}, {Site: "CCC", Role: "clinician", Consented: 1},
	}
	d.Completion = []store.CompletionCount{
		{Site: "AAA", Timepoint: "baseline", Questionnaire: "imrs-consumer", Completed: 2},
		{Site: "AAA", Timepoint: "baseline", Questionnaire: "honos", Completed: 2},
		{Site: "AAA", Timepoint: "m12", Questionnaire: "imrs-consumer", Completed: 2},
		{Site: "AAA", Timepoint: "m12", Questionnaire: "it-is", Completed: 2},
		{Site: "AAA", Timepoint: "m12", Questionnaire: "imr-fidelity", Completed: 1},
		{Site: "AAA", Timepoint: "m12", Questionnaire: "goi", Completed: 1},
		{Site: "CCC", Timepoint: "baseline", Questionnaire: "imrs-consumer", Completed: 2},
		{Site: "CCC", Timepoint: "m12", Questionnaire: "imrs-consumer", Completed: 1},
	}
	for _, site := range []string{"AAA", "BBB", "CCC"} {
		for i := 0; i < 2; i++ {
			d.Flow = append(d.Flow, questionnaires.FlowMember{Site: site, Role: questionnaires.RoleClinician, Linked: true, Consented: site == "AAA" || i == 0})
		}
	}
	return d
}

func analyseStudyTables(t *testing.T) *Analysis {
	t.Helper()
	a, err := Analyse(studyTablesData(), studyCatalog(), Options{Now: reportTime})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestStudyTablesClusterByAssignedClinician: a consumer clusters within
// the clinician assigned to them, whoever rated them; one no clinician
// rated clusters within their assigned one too.
func TestStudyTablesClusterByAssignedClinician(t *testing.T) {
	d := studyTablesData()
	// AAA-C-2 was rated by AAA-K-2 but is AAA-K-1's; CCC-C-2, unrated,
	// is CCC-K-1's (no pair, so not in the clustering).
	d.Clinicians = map[string]string{"AAA-C-1": "AAA-K-1", "AAA-C-2": "AAA-K-1", "CCC-C-2": "CCC-K-1"}
	a, err := Analyse(d, studyCatalog(), Options{Now: reportTime})
	if err != nil {
		t.Fatal(err)
	}
	o, c := a.Study.Outcomes[0], a.Study.Clustering
	if o.Clinicians != 3 || c.ByClinician != (ClusterSizes{3, 1, 2, 5.0 / 3}) || c.NoClinician != 0 {
		t.Errorf("%d clinicians, clustering %+v; want AAA-K-1 with 2 consumers, BBB-K-1 with 2, CCC-K-1 with 1", o.Clinicians, c)
	}
	// Clinicians AAA-K-1 [2, 1], BBB-K-1 [0, 1], CCC-K-1 [3]: as the sites.
	near(t, "ICC clinician", o.ICCClinician, 2.0/3, 1e-12)
	if s := a.Study.clusterSentence(); !strings.Contains(s, "the one assigned to them") {
		t.Errorf("the clustering sentence does not say whose clinician counts: %s", s)
	}
}

func TestStudyTablesOutcomes(t *testing.T) {
	a := analyseStudyTables(t)
	s := a.Study
	if len(s.Outcomes) != 2 || s.Outcomes[0].Domain != "Illness self-management" || s.Outcomes[1].Domain != "Severity of problems" {
		t.Fatalf("outcomes %+v, want illness self-management and severity of problems", s.Outcomes)
	}
	o := s.Outcomes[0]
	p := o.Measure.Paired
	// Changes 2, 1, 0, 1, 3: mean 1.4; squared deviations sum to 5.2, so
	// SD = sqrt(1.3); the 95% CI is 1.4 -/+ t(0.975, 4) * SD / sqrt(5)
	// with t(0.975, 4) = 2.776445.
	if p.N != 5 || o.Measure.NFrom != 6 || o.Measure.NTo != 5 {
		t.Errorf("n: %d pairs, %d at baseline, %d at m12; want 5, 6, 5", p.N, o.Measure.NFrom, o.Measure.NTo)
	}
	near(t, "baseline mean", p.Baseline.Mean, 1.8, 1e-12)
	near(t, "m12 mean", p.Followup.Mean, 3.2, 1e-12)
	near(t, "change", p.Change.Mean, 1.4, 1e-12)
	half := 2.776445 * math.Sqrt(1.3) / math.Sqrt(5)
	near(t, "CI low", p.CILow, 1.4-half, 1e-5)
	near(t, "CI high", p.CIHigh, 1.4+half, 1e-5)
	near(t, "d_z", p.Dz, 1.4/math.Sqrt(1.3), 1e-12)

	// Sites AAA [2, 1], BBB [0, 1], CCC [3]: MSB = 4.2 / 2 = 2.1,
	// MSW = 1 / 2 = 0.5, k0 = (5 - 9/5) / 2 = 1.6, ICC = 1.6 / 2.4.
	near(t, "ICC site", o.ICCSite, 2.0/3, 1e-12)
	// Clinicians AAA-K-1 [2], AAA-K-2 [1], BBB-K-1 [0, 1], CCC-K-1 [3]:
	// MSB = 4.7 / 3, MSW = 0.5, k0 = (5 - 7/5) / 3 = 1.2,
	// ICC = (4.7/3 - 0.5) / (4.7/3 + 0.1) = 0.64.
	near(t, "ICC clinician", o.ICCClinician, 0.64, 1e-12)
	if o.Sites != 3 || o.Clinicians != 4 {
		t.Errorf("clusters: %d sites, %d clinicians; want 3, 4", o.Sites, o.Clinicians)
	}
	// HoNOS only at baseline: no pair, nothing to compute.
	if h := s.Outcomes[1]; h.Measure.Paired.N != 0 || !math.IsNaN(h.ICCSite) {
		t.Errorf("honos: %d pairs, ICC %v; want 0 and NA", h.Measure.Paired.N, h.ICCSite)
	}

	c := s.Clustering
	if c.Consumers != 5 || c.NoClinician != 0 || c.BySite != (ClusterSizes{3, 1, 2, 5.0 / 3}) || c.ByClinician != (ClusterSizes{4, 1, 2, 1.25}) {
		t.Errorf("clustering %+v, want 5 consumers in 3 sites (1-2, 5/3) and 4 clinicians (1-2, 1.25)", c)
	}
	var per []string
	for _, so := range s.SiteOutcomes {
		per = append(per, so.Site+" "+siteCellText(so.Cells[0])+" "+siteCellText(so.Cells[1]))
	}
	if got, want := strings.Join(per, "; "), "AAA 2: +1.50 0; BBB 2: +0.50 0; CCC 1: +3.00 0"; got != want {
		t.Errorf("per site %q, want %q", got, want)
	}
}

func TestStudyTablesFidelity(t *testing.T) {
	a := analyseStudyTables(t)
	cf := a.Study.Clinicians
	var rows []string
	for _, r := range cf.Rows {
		rows = append(rows, fmt.Sprintf("%s %s %s %s %v", r.Clinician, r.Timepoint, fixed(r.Mean, 2), r.Band, r.Acceptable))
	}
	want := "AAA-K-1 m12 3.00 Satisfactory true; AAA-K-2 m12 2.67 Needs improvement false; BBB-K-1 m12 4.33 Very good true"
	if got := strings.Join(rows, "; "); got != want || !cf.Defined || cf.Variable != "it_is_mean" {
		t.Errorf("clinicians %q (%s), want %q (it_is_mean)", got, cf.Variable, want)
	}
	if len(cf.Summary) != 1 || cf.Summary[0] != (AcceptableShare{"m12", 3, 2, 2.0 / 3}) || cf.InStudy != 4 {
		t.Errorf("summary %+v of %d in the study, want 2 of 3 at m12 of 4", cf.Summary, cf.InStudy)
	}
	// IT-IS is not compared between timepoints in the outcome table.
	for _, o := range a.Study.Outcomes {
		if o.Measure.Questionnaire == ClinicianFidelityID {
			t.Error("it-is among the consumer outcomes")
		}
	}

	sf := a.Study.Sites
	var cols []string
	for _, c := range sf.Columns {
		cols = append(cols, c.Variable)
	}
	if got := strings.Join(cols, " "); got != "imr_fidelity_mean goi_individualization_mean goi_quality_improvement_mean" {
		t.Errorf("site columns %q", got)
	}
	var cells []string
	for _, r := range sf.Rows {
		row := []string{r.Site, r.Timepoint}
		for _, c := range r.Cells {
			row = append(row, fidelityCellText(c))
		}
		cells = append(cells, strings.Join(row, ","))
	}
	if got, want := strings.Join(cells, "; "), "AAA,m12,4.00 High,4.50 High,3.50 Moderate; BBB,m12,3.67 Moderate,4.00 High,2.50 Low; CCC,m12,2.33 Low,-,-"; got != want {
		t.Errorf("site rows %q, want %q", got, want)
	}
	var high []string
	for _, h := range sf.High {
		high = append(high, h.Variable+" "+highText(h))
	}
	if got, want := strings.Join(high, "; "), "imr_fidelity_mean 1 of 3 rated; goi_individualization_mean 2 of 2 rated; goi_quality_improvement_mean 0 of 2 rated"; got != want {
		t.Errorf("reached high %q, want %q", got, want)
	}

	// With an assessor linked, each site is expected once and each
	// consented clinician once for the IT-IS: AAA baseline 2 imrs + 2
	// honos of 4, m12 2 imrs + 2 it-is + 2 site ratings of 6; BBB nothing
	// of 4 and of 2 + 1 + 2; CCC 2 of 4 and 1 of 5.
	var comp []string
	for _, sc := range a.Study.SiteCompletion {
		comp = append(comp, sc.Site+" "+completionCellText(sc.Timepoints[0])+" / "+completionCellText(sc.Timepoints[1]))
	}
	if got, want := strings.Join(comp, "; "), "AAA 4 of 4 (100%) / 6 of 6 (100%); BBB 0 of 4 (0%) / 0 of 5 (0%); CCC 2 of 4 (50%) / 1 of 5 (20%)"; got != want {
		t.Errorf("completion per site %q, want %q", got, want)
	}
}

// Every table reaches the HTML page under its heading, with its cells.
func TestStudyTablesHTML(t *testing.T) {
	a := analyseStudyTables(t)
	out := render(t, func(b *bytes.Buffer) error { return a.WriteHTML(b) })
	checkWellFormed(t, out)
	s := string(out)
	for _, c := range []struct{ heading, cells string }{
		{"Consumer outcomes", "<td>Illness self-management</td><td>imrs_consumer_mean</td><td>5</td><td>1.80 (0.84)</td><td>3.20 (1.10)</td><td>&#43;1.40 [-0.02, &#43;2.82]</td>"},
		{"Clustering of consumers", "<td>imrs_consumer_mean</td><td>5</td><td>3</td><td>0.67</td><td>4</td><td>0.64</td>"},
		{"Consumer outcomes per site", "<tr><td>CCC</td><td>1: &#43;3.00</td><td>0</td></tr>"},
		{"Clinician fidelity (IT-IS)", "<td>AAA-K-2</td><td class=\"text\">AAA</td><td class=\"text\">m12</td><td>2.67</td><td class=\"text\">Needs improvement</td><td class=\"text\">no</td>"},
		{"Clinician fidelity (IT-IS)", "m12: 2 of 3 clinicians rated (4 in the study) in the acceptable range, 67%"},
		{"Site fidelity and GOI", "<tr><td>BBB</td><td>m12</td><td>3.67 Moderate</td><td>4.00 High</td><td>2.50 Low</td></tr>"},
		{"Site fidelity and GOI", "<th>1 of 3 rated</th><th>2 of 2 rated</th><th>0 of 2 rated</th>"},
		{"Feasibility: participant flow", "<td>all sites</td><td class=\"text\">clinician</td><td>6</td><td>6</td><td>4</td>"},
		{"Feasibility: completion per site", "<tr><td>CCC</td><td>2 of 4 (50%)</td><td>1 of 5 (20%)</td></tr>"},
	} {
		i := strings.Index(s, "<h2>"+c.heading+"</h2>")
		if i < 0 {
			t.Errorf("no heading %q", c.heading)
			continue
		}
		section := s[i+len(c.heading)+9:]
		if j := strings.Index(section, "<h2>"); j >= 0 {
			section = section[:j]
		}
		if !strings.Contains(section, c.cells) {
			t.Errorf("%s lacks %s:\n%s", c.heading, c.cells, section)
		}
	}
	for _, bad := range []string{"<script", "src=", "href=", "@import", "url("} {
		if strings.Contains(s, bad) {
			t.Errorf("HTML report contains %q: not self-contained", bad)
		}
	}
}

// A study without IT-IS ratings says so rather than showing an empty table.
func TestStudyTablesNoITIS(t *testing.T) {
	d := studyTablesData()
	var kept []store.ExportAnswer
	for _, x := range d.Answers {
		if x.Questionnaire != ClinicianFidelityID {
			kept = append(kept, x)
		}
	}
	d.Answers = kept
	a, err := Analyse(d, studyCatalog(), Options{Now: reportTime})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := a.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "CLINICIAN FIDELITY (IT-IS, it_is_mean;") || !strings.Contains(b.String(), "No it-is ratings yet.") {
		t.Errorf("text report without IT-IS ratings:\n%s", b.String())
	}
}

func TestICC(t *testing.T) {
	for _, c := range []struct {
		name string
		gs   [][]float64
		want float64
	}{
		// Equal groups of 2: MSB = 2 * var of means, k0 = 2.
		{"balanced", [][]float64{{1, 2}, {5, 6}}, (16 - 0.5) / (16 + 0.5)},
		{"no variance between", [][]float64{{1, 3}, {1, 3}}, 0},
		{"one group", [][]float64{{1, 2, 3}}, math.NaN()},
		{"singletons", [][]float64{{1}, {2}}, math.NaN()},
		{"all equal", [][]float64{{2, 2}, {2, 2}}, math.NaN()},
	} {
		got := ICC(c.gs)
		if math.IsNaN(c.want) != math.IsNaN(got) || (!math.IsNaN(got) && math.Abs(got-c.want) > 1e-12) {
			t.Errorf("%s: ICC %v, want %v", c.name, got, c.want)
		}
	}
}

// The text form of every study table, kept as a golden file a reader can
// check against the numbers worked out in studyTablesData.
func TestStudyTablesText(t *testing.T) {
	a := analyseStudyTables(t)
	out := render(t, func(b *bytes.Buffer) error { return a.WriteText(b) })
	golden(t, "study_tables.txt", out)
}

// The CSV carries every study table, one statistic a row; a clinician's
// rows name them in the participant column.
func TestStudyTablesCSV(t *testing.T) {
	a := analyseStudyTables(t)
	rows := readCSV(t, render(t, func(b *bytes.Buffer) error { return a.WriteCSV(b) }))
	if got := strings.Join(rows[0], ","); got != strings.Join(ReportCSVHeader, ",") {
		t.Fatalf("header %q", got)
	}
	got := map[string]string{}
	for _, r := range rows[1:] {
		got[strings.Join(append(r[:7:7], r[8]), "|")] = r[7]
	}
	for k, want := range map[string]string{
		"outcome|imrs-consumer|mean|consumer||baseline-m12|domain|":              "Illness self-management",
		"clustering|imrs-consumer|mean|consumer||baseline-m12|icc_clinician|":    "0.64",
		"clustering|||consumer||baseline-m12|consumers_per_clinician_mean|":      "1.25",
		"outcome_site|imrs-consumer|mean|consumer|CCC|baseline-m12|mean_change|": "3",
		"clinician_fidelity|it-is|mean|clinician|AAA|m12|acceptable|AAA-K-2":     "false",
		"clinician_fidelity|it-is|mean|clinician|BBB|m12|band|BBB-K-1":           "Very good",
		"clinician_fidelity|it-is|mean|clinician||m12|acceptable_n|":             "2",
		"clinician_fidelity|it-is|mean|clinician||m12|threshold|":                "3",
		"fidelity|goi|quality_improvement_mean|site||m12|sites_high|":            "0",
		"fidelity|goi|individualization_mean|site||m12|sites_high|":              "2",
		"completion_site||||CCC|m12|rate|":                                       "0.2",
	} {
		if got[k] != want {
			t.Errorf("%s = %q, want %q", k, got[k], want)
		}
	}
}

// A site not rated where others were keeps its row, every cell "-", and
// the count of sites reaching high is of those rated.
func TestStudyTablesUnratedSite(t *testing.T) {
	d := studyTablesData()
	var kept []store.ExportAnswer
	for _, x := range d.Answers {
		if x.Participant != "CCC" {
			kept = append(kept, x)
		}
	}
	d.Answers = kept
	a, err := Analyse(d, studyCatalog(), Options{Now: reportTime})
	if err != nil {
		t.Fatal(err)
	}
	sf := a.Study.Sites
	last := sf.Rows[len(sf.Rows)-1]
	if len(sf.Rows) != 3 || last.Site != "CCC" || fidelityCellText(last.Cells[0]) != "-" || highText(sf.High[0]) != "1 of 2 rated" {
		t.Errorf("rows %+v, high %+v; want CCC's row empty and 1 of 2 rated", sf.Rows, sf.High)
	}
}
