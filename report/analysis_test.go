package report

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"strings"
	"testing"
	"time"
)

var reportTime = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func analyse(t *testing.T) *Analysis {
	t.Helper()
	a, err := Analyse(studyData(t), testCatalog(), Options{Now: reportTime})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func measureByVar(t *testing.T, a *Analysis, variable string) Measure {
	t.Helper()
	for _, m := range a.Measures {
		if m.Variable == variable {
			return m
		}
	}
	t.Fatalf("no measure %s", variable)
	return Measure{}
}

func TestAnalysisOutcomes(t *testing.T) {
	a := analyse(t)
	var vars []string
	for _, m := range a.Measures {
		vars = append(vars, m.Variable)
	}
	// Every score of every questionnaire about individuals, battery order;
	// the site rating goes to Fidelity instead.
	if got, want := strings.Join(vars, " "), "hope_total honos_total gaf_symptoms_score gaf_function_score imr_practice_mean"; got != want {
		t.Fatalf("measures %q, want %q", got, want)
	}

	// Hope totals by hand (see loadStudy): pairs BGO-C-0001 6 -> 8,
	// OSL-C-0001 7 -> 11, OSL-C-0002 7 -> 7.5; OSL-C-0003 has no m12 and
	// the erased BGO-C-0002 is absent. Differences 2, 4, 0.5.
	h := measureByVar(t, a, "hope_total")
	if h.NFrom != 4 || h.NTo != 3 || h.Paired.N != 3 || h.Group != "consumer" {
		t.Errorf("hope n: %d at baseline, %d at m12, %d pairs, group %s; want 4, 3, 3, consumer", h.NFrom, h.NTo, h.Paired.N, h.Group)
	}
	p := h.Paired
	near(t, "baseline mean", p.Baseline.Mean, 20.0/3, 1e-12)
	near(t, "m12 mean", p.Followup.Mean, 26.5/3, 1e-12)
	near(t, "mean change", p.Change.Mean, 6.5/3, 1e-12)
	// Squared deviations of 2, 4, 0.5 from 13/6 sum to 37/6: SD = sqrt(37/12).
	near(t, "SD of change", p.Change.SD, math.Sqrt(37.0/12), 1e-12)
	tHand := (6.5 / 3) / (math.Sqrt(37.0/12) / math.Sqrt(3))
	near(t, "t", p.T, tHand, 1e-12)
	// df = 2 has the closed form p = 1 - t/sqrt(2 + t^2) (A&S 26.7.4).
	near(t, "p(t)", p.PT, 1-tHand/math.Sqrt(2+tHand*tHand), 1e-10)
	// Three positive distinct differences: V = 1+2+3 = 6, exact
	// P(V >= 6) = 1/8, two-sided 1/4.
	if !p.Wilcoxon.Exact {
		t.Error("Wilcoxon not exact for 3 distinct non-zero differences")
	}
	near(t, "V", p.Wilcoxon.V, 6, 0)
	near(t, "p(Wilcoxon)", p.Wilcoxon.P, 0.25, 1e-15)

	// HoNOS: OSL-C-0001 3 -> 2 is the only pair (OSL-C-0002's m12 has one
	// item of three), so there is no test.
	ho := measureByVar(t, a, "honos_total")
	if ho.NFrom != 2 || ho.NTo != 1 || ho.Paired.N != 1 || len(ho.Paired.Notes) == 0 || !math.IsNaN(ho.Paired.PT) {
		t.Errorf("honos: %d, %d, %d pairs, notes %q, p %v; want 2, 1, 1, a note and NA", ho.NFrom, ho.NTo, ho.Paired.N, ho.Paired.Notes, ho.Paired.PT)
	}
	near(t, "honos change", ho.Paired.Change.Mean, -1, 1e-12)
	if g := measureByVar(t, a, "imr_practice_mean").Group; g != "clinician" {
		t.Errorf("imr_practice_mean group %q, want clinician", g)
	}
}

func TestAnalysisFidelityCompletionRetention(t *testing.T) {
	a := analyse(t)
	var fid []string
	for _, f := range a.Fidelity {
		fid = append(fid, f.Site+" "+f.Timepoint+" "+f.Variable+" "+formatNumber(f.Mean)+" "+f.Band)
	}
	// OSL (4+4+5)/3, BGO (3+2+3)/3; bands from 4 high, from 3 moderate.
	if got, want := strings.Join(fid, "\n"), "BGO m12 imr_fidelity_mean 2.666667 low\nOSL m12 imr_fidelity_mean 4.333333 high"; got != want {
		t.Errorf("fidelity:\n%s\nwant:\n%s", got, want)
	}

	comp := map[string]string{}
	for _, c := range a.Completion {
		comp[c.Site+" "+c.Timepoint+" "+c.Questionnaire] = formatNumber(float64(c.Completed)) + "/" + formatNumber(float64(c.Expected)) + " " + formatNumber(float64(c.InProgress))
	}
	for k, want := range map[string]string{
		"OSL baseline hope":         "3/3 0",
		"OSL baseline diary-note":   "2/3 0",
		"OSL baseline honos":        "2/3 1", // OSL-K-0002's unfinished second rating
		"OSL m12 hope":              "2/3 0",
		"OSL m12 honos":             "1/3 1",
		"OSL baseline imr-practice": "1/2 0",
		"OSL m12 imr-fidelity":      "1/1 0",
		"BGO baseline hope":         "1/1 0", // the erased consumer counts nowhere
		"BGO m12 imr-fidelity":      "1/1 0",
		"BGO baseline gaf":          "0/1 0",
	} {
		if comp[k] != want {
			t.Errorf("completion %s = %q, want %q", k, comp[k], want)
		}
	}
	if _, ok := comp["OSL baseline imr-fidelity"]; ok {
		t.Error("imr-fidelity listed at baseline, where the protocol does not ask it")
	}

	var ret []string
	for _, r := range a.Retention {
		ret = append(ret, strings.Join([]string{r.Site, formatNumber(float64(r.Consented)), formatNumber(float64(r.AtFrom)), formatNumber(float64(r.AtTo)), formatNumber(float64(r.AtBoth)), formatNumber(r.Rate), formatNumber(float64(r.Erased))}, " "))
	}
	if got, want := strings.Join(ret, "\n"), "BGO 1 1 1 1 1 1\nOSL 3 3 2 2 0.666667 0"; got != want {
		t.Errorf("retention:\n%s\nwant:\n%s", got, want)
	}
	if len(a.Warnings) != 2 || !strings.HasPrefix(a.Warnings[0], "Placeholder wording: diary-note, gaf, honos, imr-fidelity, imr-practice were asked") ||
		!strings.Contains(a.Warnings[1], "honos baseline was answered by both") {
		t.Errorf("warnings %q, want the placeholder wording (hope's is validated) and the competing HoNOS rating", a.Warnings)
	}
}

func TestAnalyseTimepoints(t *testing.T) {
	a, err := Analyse(studyData(t), testCatalog(), Options{From: "m12", To: "baseline", Now: reportTime})
	if err != nil {
		t.Fatal(err)
	}
	if h := measureByVar(t, a, "hope_total"); h.Paired.Change.Mean >= 0 {
		t.Errorf("reversed comparison: change %v, want negative", h.Paired.Change.Mean)
	}
	if _, err := Analyse(studyData(t), testCatalog(), Options{To: "m6"}); err == nil {
		t.Error("an unknown timepoint was accepted")
	}
}

func TestReportText(t *testing.T) {
	a := analyse(t)
	out := render(t, func(b *bytes.Buffer) error { return a.WriteText(b) })
	golden(t, "report.txt", out)
	noTelegram(t, "text report", out)
	for _, m := range a.Measures {
		if !bytes.Contains(out, []byte(m.Variable)) {
			t.Errorf("text report lacks %s", m.Variable)
		}
	}
}

func TestReportCSV(t *testing.T) {
	a := analyse(t)
	out := render(t, func(b *bytes.Buffer) error { return a.WriteCSV(b) })
	golden(t, "report.csv", out)
	rows := readCSV(t, out)
	found := map[string]bool{}
	for _, r := range rows[1:] {
		if r[0] == "outcome" && r[6] == "p_wilcoxon" {
			found[r[1]+"/"+r[2]] = true
			if r[1] == "hope" && r[7] != "0.25" {
				t.Errorf("hope p_wilcoxon %q, want 0.25", r[7])
			}
		}
	}
	for _, m := range a.Measures {
		if !found[m.Questionnaire+"/"+m.Score] {
			t.Errorf("CSV report lacks %s", m.Variable)
		}
	}
}

func TestReportHTML(t *testing.T) {
	a := analyse(t)
	out := render(t, func(b *bytes.Buffer) error { return a.WriteHTML(b) })
	golden(t, "report.html", out)
	noTelegram(t, "HTML report", out)
	checkWellFormed(t, out)
	s := string(out)
	for _, m := range a.Measures {
		if !strings.Contains(s, `id="`+m.Variable+`"`) || !strings.Contains(s, m.Label) {
			t.Errorf("HTML report lacks measure %s (%s)", m.Variable, m.Label)
		}
	}
	// One plot per measure plus the completion chart.
	if n, want := strings.Count(s, "<svg "), len(a.Measures)+1; n != want {
		t.Errorf("%d plots, want %d", n, want)
	}
	// Self-contained: no script, no external asset; html/template never had
	// to reject a value.
	for _, bad := range []string{"<script", "src=", "href=", "@import", "url(", "ZgotmplZ"} {
		if strings.Contains(s, bad) {
			t.Errorf("HTML report contains %q", bad)
		}
	}
	// The hope plot has one line per pair and a mean with its CI per
	// timepoint.
	hope := s[strings.Index(s, `id="hope_total"`):]
	hope = hope[:strings.Index(hope, "</svg>")]
	if n := strings.Count(hope, `stroke="#9aa5b1"`); n != 3 {
		t.Errorf("hope plot joins %d pairs, want 3", n)
	}
}

func TestReportHTMLEscapes(t *testing.T) {
	a := analyse(t)
	a.Warnings = []string{`<script>alert("x")</script> & more`}
	a.Measures[0].Label = `<b>bold</b>`
	out := render(t, func(b *bytes.Buffer) error { return a.WriteHTML(b) })
	if bytes.Contains(out, []byte("<script>")) || bytes.Contains(out, []byte("<b>bold")) {
		t.Error("text was not escaped")
	}
	checkWellFormed(t, out)
}

func TestReportHTMLEmpty(t *testing.T) {
	st := studyData(t)
	st.Answers, st.Completion = nil, nil
	a, err := Analyse(st, testCatalog(), Options{Now: reportTime})
	if err != nil {
		t.Fatal(err)
	}
	out := render(t, func(b *bytes.Buffer) error { return a.WriteHTML(b) })
	checkWellFormed(t, out)
	if !bytes.Contains(out, []byte("No participant has both timepoints yet")) {
		t.Error("empty plots do not say so")
	}
}

// checkWellFormed parses the whole page as XML: the report is written as
// well-formed XHTML-compatible HTML, so any unbalanced tag or stray
// ampersand in the page or its SVG fails here.
func checkWellFormed(t *testing.T, page []byte) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(page))
	dec.Strict = true
	depth, svgs := 0, 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line, col := dec.InputPos()
			t.Fatalf("not well-formed at %d:%d: %v", line, col, err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			depth++
			if el.Name.Local == "svg" {
				svgs++
				if el.Name.Space != "http://www.w3.org/2000/svg" {
					t.Errorf("svg without its namespace")
				}
			}
		case xml.EndElement:
			depth--
		}
	}
	if depth != 0 || svgs == 0 {
		t.Errorf("depth %d at the end, %d svg elements", depth, svgs)
	}
}

func TestNiceTicks(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		want   string
	}{
		{3, 12, "4 6 8 10 12"},
		{1, 5, "1 2 3 4 5"},
		{0, 48, "0 10 20 30 40"},
		{1, 100, "20 40 60 80 100"},
		{0, 1, "0 0.2 0.4 0.6 0.8 1"},
		{2, 2, "2"},
	} {
		var got []string
		for _, v := range niceTicks(c.lo, c.hi) {
			got = append(got, formatNumber(v))
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("niceTicks(%v, %v) = %q, want %q", c.lo, c.hi, got, c.want)
		}
	}
}
