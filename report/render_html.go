package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"
	"time"

	"gonum.org/v1/gonum/stat/distuv"
)

// The HTML report is one self-contained file: inline CSS and inline SVG
// drawn by html/template, no script and no external asset, so it can be
// mailed or archived and still open years later. It is also well-formed
// XML, which its test checks with encoding/xml.
//
//go:embed report.html.tmpl
var htmlSource string

var htmlTemplate = template.Must(template.New("report").Parse(htmlSource))

// WriteHTML renders the report as one self-contained HTML file.
func (a *Analysis) WriteHTML(w io.Writer) error {
	if err := htmlTemplate.Execute(w, a.htmlView()); err != nil {
		return fmt.Errorf("report.WriteHTML: %w", err)
	}
	return nil
}

type htmlView struct {
	Generated          string
	FromLabel, ToLabel string
	FromID, ToID       string
	Methods            string
	Measures           []htmlMeasure
	Outcomes           []htmlRow // the consumer outcome table
	OtherMeasures      []htmlRow
	Study              studyView
	Completion         []htmlRow
	CompletionChart    barChart
	Retention          []htmlRow
	RetentionRule      string
	Flow               []htmlRow
	Warnings           []string
	TimepointLegend    []legendEntry
}

type htmlRow []string

type htmlMeasure struct {
	Variable, Label, Group string
	Row                    htmlRow
	Notes                  []string
	Plot                   pairedPlot
}

type legendEntry struct{ Label, Colour string }

func (a *Analysis) htmlView() htmlView {
	v := htmlView{
		Generated: a.GeneratedAt.UTC().Format(time.RFC3339),
		FromLabel: a.From.Label.In(labelLang), ToLabel: a.To.Label.In(labelLang),
		FromID: a.From.ID, ToID: a.To.ID,
		Methods:  strings.ReplaceAll(methodsNote, "\n", " "),
		Warnings: a.Warnings,
	}
	for _, m := range a.Measures {
		p := m.Paired
		hm := htmlMeasure{
			Variable: m.Variable, Label: m.Label, Group: m.Group,
			Row:   append(htmlRow{fmt.Sprint(p.N)}, outcomeCells(p)...),
			Notes: append([]string{fmt.Sprintf("%d with a score at %s, %d at %s, %d at both", m.NFrom, a.From.ID, m.NTo, a.To.ID, p.N)}, p.Notes...),
			Plot:  newPairedPlot(m, v.FromLabel, v.ToLabel),
		}
		v.Measures = append(v.Measures, hm)
	}
	for _, l := range consumerMeasures(a.Study.Outcomes) {
		v.Outcomes = append(v.Outcomes, measureRow(l))
	}
	for _, l := range a.otherMeasures() {
		v.OtherMeasures = append(v.OtherMeasures, measureRow(l))
	}
	v.Study = a.studyView()
	for _, c := range a.Completion {
		q := c.Questionnaire
		if !c.InBattery {
			q += " (not in the protocol here)"
		}
		v.Completion = append(v.Completion, htmlRow{c.Site, c.Timepoint, q, fmt.Sprint(c.Completed), fmt.Sprint(c.Expected), percent(c.Rate), fmt.Sprint(c.InProgress), fmt.Sprint(c.Expired)})
	}
	for _, r := range a.Retention {
		v.Retention = append(v.Retention, htmlRow{r.Site, fmt.Sprint(r.Consented), fmt.Sprint(r.AtFrom), fmt.Sprint(r.AtTo), fmt.Sprint(r.AtBoth), percent(r.Rate), fmt.Sprint(r.Withdrawn), fmt.Sprint(r.Erased)})
	}
	v.RetentionRule = RetentionRule
	for _, f := range a.Flow {
		v.Flow = append(v.Flow, htmlRow{f.Site, f.Role, fmt.Sprint(f.Invited), fmt.Sprint(f.Linked), fmt.Sprint(f.Consented),
			fmt.Sprint(f.Declined), fmt.Sprint(f.Done[a.From.ID]), fmt.Sprint(f.Done[a.To.ID]), fmt.Sprint(f.Withdrawn)})
	}
	v.CompletionChart, v.TimepointLegend = a.completionChart()
	return v
}

// Plot geometry, in SVG user units.
const (
	plotW, plotH                     = 300, 230
	plotLeft, plotRight              = 46, 14
	plotTop, plotBottom              = 14, 40
	colourFrom, colourTo, colourPair = "#1b6ca8", "#c4511a", "#9aa5b1"
)

// pairedPlot draws each participant's two scores joined by a line, and
// each timepoint's mean with its 95% confidence interval.
type pairedPlot struct {
	W, H    int
	Left    string // x of the y axis
	Top     string
	Bottom  string
	Lines   []svgLine
	Dots    []svgDot
	Means   []svgMean
	Ticks   []svgTick
	XLabels []svgText
	Empty   string
	Title   string
}

type svgLine struct{ X1, Y1, X2, Y2 string }
type svgDot struct{ X, Y, Colour string }
type svgMean struct {
	X, Y, Low, High, Colour, Left, Right string
}
type svgTick struct{ Y, Label, X1, X2, LabelX string }
type svgText struct{ X, Y, Text string }

func f1(v float64) string { return fmt.Sprintf("%.1f", v) }

func newPairedPlot(m Measure, fromLabel, toLabel string) pairedPlot {
	p := pairedPlot{W: plotW, H: plotH, Left: f1(plotLeft), Top: f1(plotTop), Bottom: f1(plotH - plotBottom),
		Title: m.Label + ": " + fromLabel + " and " + toLabel}
	lo, hi := m.Min, m.Max
	if !m.ScaleKnown || hi <= lo {
		lo, hi = math.Inf(1), math.Inf(-1)
		for _, pr := range m.Pairs {
			lo, hi = math.Min(lo, math.Min(pr.From, pr.To)), math.Max(hi, math.Max(pr.From, pr.To))
		}
		if math.IsInf(lo, 0) {
			lo, hi = 0, 1
		}
		lo, hi = lo-1, hi+1
	}
	innerW := float64(plotW - plotLeft - plotRight)
	innerH := float64(plotH - plotTop - plotBottom)
	y := func(v float64) float64 { return plotTop + (hi-v)/(hi-lo)*innerH }
	xFrom, xTo := plotLeft+0.25*innerW, plotLeft+0.75*innerW
	for _, v := range niceTicks(lo, hi) {
		p.Ticks = append(p.Ticks, svgTick{Y: f1(y(v)), Label: formatNumber(v), X1: f1(plotLeft - 4), X2: f1(plotW - plotRight), LabelX: f1(plotLeft - 7)})
	}
	p.XLabels = []svgText{{X: f1(xFrom), Y: f1(plotH - plotBottom + 18), Text: fromLabel}, {X: f1(xTo), Y: f1(plotH - plotBottom + 18), Text: toLabel}}
	if len(m.Pairs) == 0 {
		p.Empty = "No participant has both timepoints yet"
		return p
	}
	from, to := make([]float64, len(m.Pairs)), make([]float64, len(m.Pairs))
	for i, pr := range m.Pairs {
		from[i], to[i] = pr.From, pr.To
		p.Lines = append(p.Lines, svgLine{X1: f1(xFrom), Y1: f1(y(pr.From)), X2: f1(xTo), Y2: f1(y(pr.To))})
		p.Dots = append(p.Dots, svgDot{X: f1(xFrom), Y: f1(y(pr.From)), Colour: colourFrom}, svgDot{X: f1(xTo), Y: f1(y(pr.To)), Colour: colourTo})
	}
	for _, s := range []struct {
		x      float64
		v      []float64
		colour string
	}{{xFrom - 18, from, colourFrom}, {xTo + 18, to, colourTo}} {
		mean, low, high := meanCI(s.v)
		// A t interval of a few values can reach past what the scale
		// allows; the plot stops at the scale and the table has the numbers.
		low, high = math.Max(low, lo), math.Min(high, hi)
		p.Means = append(p.Means, svgMean{
			X: f1(s.x), Y: f1(y(mean)), Low: f1(y(low)), High: f1(y(high)), Colour: s.colour,
			Left: f1(s.x - 6), Right: f1(s.x + 6),
		})
	}
	return p
}

// niceTicks are 3 to 7 round values between lo and hi (steps of 1, 2 or 5
// times a power of ten), so an axis reads 4 6 8 10 12, not 5.25 7.5 9.75.
func niceTicks(lo, hi float64) []float64 {
	if !(hi > lo) {
		return []float64{lo}
	}
	step := 0.0
	for exp := math.Floor(math.Log10(hi-lo)) - 1; step == 0; exp++ {
		for _, m := range []float64{1, 2, 5} {
			if s := m * math.Pow(10, exp); (hi-lo)/s <= 6 {
				step = s
				break
			}
		}
	}
	var out []float64
	for v := math.Ceil(lo/step) * step; v <= hi+step*1e-9; v += step {
		out = append(out, math.Round(v/step)*step)
	}
	return out
}

// meanCI is the mean of v and its 95% confidence interval from the t
// distribution; the interval collapses to the mean for fewer than 2 values.
func meanCI(v []float64) (mean, low, high float64) {
	s := summarise(v)
	if len(v) < 2 || math.IsNaN(s.SD) {
		return s.Mean, s.Mean, s.Mean
	}
	half := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(len(v) - 1)}.Quantile(0.975) * s.SD / math.Sqrt(float64(len(v)))
	return s.Mean, s.Mean - half, s.Mean + half
}

// barChart is completion by site: one bar per site and timepoint, the
// share of expected assessments completed.
type barChart struct {
	W, H   int
	Bars   []svgBar
	Labels []svgText
	Axis   []svgTick
	Empty  string
}

type svgBar struct {
	X, Y, W, H, Colour, Label, LabelX, LabelY, Title string
}

var timepointColours = []string{colourFrom, colourTo, "#2e8540", "#6f42c1", "#b8860b", "#5a6270"}

const (
	barLabelW, barMaxW, barH, barGap, siteGap = 70, 360, 16, 3, 12
)

func (a *Analysis) completionChart() (barChart, []legendEntry) {
	var legend []legendEntry
	colour := map[string]string{}
	for i, tp := range a.Timepoints {
		colour[tp.ID] = timepointColours[i%len(timepointColours)]
		legend = append(legend, legendEntry{Label: tp.Label.In(labelLang), Colour: colour[tp.ID]})
	}
	ch := barChart{W: barLabelW + barMaxW + 110}
	yPos := 8
	for _, site := range a.Study.SiteCompletion {
		first := true
		for i, tc := range site.Timepoints {
			if tc.Expected == 0 && tc.Completed == 0 {
				continue
			}
			tp := a.Timepoints[i]
			if first {
				ch.Labels = append(ch.Labels, svgText{X: fmt.Sprint(barLabelW - 8), Y: fmt.Sprint(yPos + barH - 4), Text: site.Site})
				first = false
			}
			rate := 0.0
			label := "none expected"
			if tc.Expected > 0 {
				rate = math.Min(1, tc.Rate)
				label = fmt.Sprintf("%.0f%% (%d of %d)", 100*tc.Rate, tc.Completed, tc.Expected)
			}
			w := rate * barMaxW
			ch.Bars = append(ch.Bars, svgBar{
				X: fmt.Sprint(barLabelW), Y: fmt.Sprint(yPos), W: f1(w), H: fmt.Sprint(barH), Colour: colour[tp.ID],
				Label: label, LabelX: f1(barLabelW + w + 6), LabelY: fmt.Sprint(yPos + barH - 4),
				Title: site.Site + ", " + tp.Label.In(labelLang) + ": " + label,
			})
			yPos += barH + barGap
		}
		if !first {
			yPos += siteGap
		}
	}
	if len(ch.Bars) == 0 {
		ch.Empty = "No site expects any questionnaire yet."
		yPos += 20
	}
	ch.H = yPos
	for _, pct := range []int{0, 50, 100} {
		x := f1(barLabelW + float64(pct)/100*barMaxW)
		ch.Axis = append(ch.Axis, svgTick{X1: x, Label: fmt.Sprintf("%d%%", pct), Y: fmt.Sprint(yPos)})
	}
	ch.H += 16
	return ch, legend
}
