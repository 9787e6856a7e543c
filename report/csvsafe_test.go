package report

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

func TestSafeCell(t *testing.T) {
	for _, c := range []struct {
		in     string
		number bool
		want   string
	}{
		{`=HYPERLINK("http://x","y")`, false, `'=HYPERLINK("http://x","y")`},
		{"+1+1", false, "'+1+1"},
		{"@SUM(A1)", false, "'@SUM(A1)"},
		{"-cmd", false, "'-cmd"},
		{"\tx", false, "'\tx"},
		{"\rx", false, "'\rx"},
		// Text is text even when it reads as a number.
		{"-3", false, "'-3"},
		{"", false, ""},
		{"Slept well", false, "Slept well"},
		{"'quoted", false, "'quoted"},
		{"a=b", false, "a=b"},
		// Numbers stay numbers.
		{"-3", true, "-3"},
		{"-2.5", true, "-2.5"},
		{"4.333333", true, "4.333333"},
		{"-1.2e-05", true, "-1.2e-05"},
		{"", true, ""},
		// A numeric cell that holds no number is treated as text.
		{"=1+1", true, "'=1+1"},
		{"-Inf", true, "'-Inf"},
		{"-", true, "'-"},
		{"-0x1p-2", true, "'-0x1p-2"},
	} {
		if got := SafeCell(c.in, c.number); got != c.want {
			t.Errorf("SafeCell(%q, %v) = %q, want %q", c.in, c.number, got, c.want)
		}
	}
}

// formulaAnswers are free-text answers a spreadsheet would run.
var formulaAnswers = []string{`=HYPERLINK("http://x","y")`, "+1+1", "@SUM(A1)", "-cmd", "\tx", "\rx", "-3"}

// formulaCatalog has a questionnaire whose typed numbers can be negative,
// a free-text item, a score that comes out negative and an item text and
// range that begin like a formula.
func formulaCatalog() *questionnaires.Catalog {
	mood := &questionnaires.Questionnaire{
		ID: "mood", Version: "1", Title: txt("Mood"), Respondent: questionnaires.RoleConsumer, Subject: questionnaires.SubjectSelf,
		Items: []questionnaires.Item{
			{ID: "a", Type: questionnaires.TypeInteger, Text: txt("@mood change this week"), Min: ip(-5), Max: ip(5)},
			{ID: "b", Type: questionnaires.TypeInteger, Text: txt("=mood change this month"), Min: ip(-5), Max: ip(5)},
			{ID: "why", Type: questionnaires.TypeText, Text: txt("Why?"), Optional: true},
		},
		Scoring: &questionnaires.Scoring{Scores: []questionnaires.Score{{ID: "mean", Label: txt("mean"), Method: "mean", Items: []string{"a", "b"}}}},
	}
	return &questionnaires.Catalog{
		Questionnaires: map[string]*questionnaires.Questionnaire{mood.ID: mood},
		Protocol: questionnaires.Protocol{
			Timepoints: []questionnaires.Timepoint{{ID: "baseline", Label: txt("Baseline")}},
			Batteries:  []questionnaires.Battery{{Role: "consumer", Subject: "self", Timepoints: []string{"baseline"}, Questionnaires: []string{"mood"}}},
		},
	}
}

// formulaData stores, through the store, one consumer per formulaAnswers
// entry answering mood at baseline with a = -2, b = -3 (mean -2.5) and why
// = the entry; the first two also answered an item the catalog does not
// have ("gone": -7 and =1+1).
func formulaData(t *testing.T) *store.ExportData {
	t.Helper()
	st := pgtest.Store(t)
	ctx := context.Background()
	if err := st.AddSite(ctx, "OSL", "=Oslo"); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	n := 0
	invs, err := st.Invite(ctx, store.NewParticipant{Site: "OSL", Role: "consumer", InviteExpires: at.Add(time.Hour)}, len(formulaAnswers),
		func() (string, error) { n++; return fmt.Sprintf("formula-invite-%03d-xxxxxxxxxxxx", n), nil })
	if err != nil {
		t.Fatal(err)
	}
	for i, inv := range invs {
		p, err := st.ParticipantByCode(ctx, inv.ParticipantCode)
		if err != nil {
			t.Fatal(err)
		}
		pairs := [][2]string{{"a", "-2"}, {"b", "-3"}, {"why", formulaAnswers[i]}}
		if i < 2 {
			pairs = append(pairs, [2]string{"gone", []string{"-7", "=1+1"}[i]})
		}
		err = st.InTx(ctx, func(tx *store.Tx) error {
			id, err := tx.StartAssessment(ctx, store.AssessmentKey{SubjectID: p.ID, RespondentID: p.ID, Questionnaire: "mood", Timepoint: "baseline"}, "1", at)
			if err != nil {
				return err
			}
			for j, pair := range pairs {
				v := pair[1]
				if err := tx.SaveAnswer(ctx, id, pair[0], &v, int64(j), at); err != nil {
					return err
				}
			}
			return tx.CompleteAssessment(ctx, id, at)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	d, err := st.ExportData(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Answers typed as formulas come out of every export quoted, numbers of
// numeric items and scores (negative ones too) as they are, and --raw
// (Table.Raw) writes them as typed.
func TestExportsNeutraliseFormulas(t *testing.T) {
	d, cat := formulaData(t), formulaCatalog()
	long := LongTable(d, cat)
	wide, err := WideTable(d, cat)
	if err != nil {
		t.Fatal(err)
	}
	participants := make([]string, len(formulaAnswers))
	for i := range participants {
		participants[i] = fmt.Sprintf("OSL-C-%04d", i+1)
	}

	for _, raw := range []bool{false, true} {
		long.Raw, wide.Raw = raw, raw
		want := func(typed string) string {
			if raw {
				return typed
			}
			return "'" + typed
		}

		// Long: one row per answer, its value by the item's type.
		rows := readCSV(t, render(t, func(b *bytes.Buffer) error { return long.WriteCSV(b) }))
		got := map[string]string{}
		for _, r := range rows[1:] {
			got[r[0]+"/"+r[6]] = r[7]
		}
		for i, p := range participants {
			for item, w := range map[string]string{"a": "-2", "b": "-3", "why": want(formulaAnswers[i])} {
				if got[p+"/"+item] != w {
					t.Errorf("raw=%v: long %s %s = %q, want %q", raw, p, item, got[p+"/"+item], w)
				}
			}
		}
		// An item the catalog no longer has is of unknown type: a number
		// passes, anything else is quoted.
		if got["OSL-C-0001/gone"] != "-7" || got["OSL-C-0002/gone"] != want("=1+1") {
			t.Errorf("raw=%v: long values of an unknown item %q and %q, want -7 and %q", raw, got["OSL-C-0001/gone"], got["OSL-C-0002/gone"], want("=1+1"))
		}

		// Wide: the text column quoted, the item and score columns numbers.
		rows = readCSV(t, render(t, func(b *bytes.Buffer) error { return wide.WriteCSV(b) }))
		col := func(name string) int {
			i := slices.Index(rows[0], name)
			if i < 0 {
				t.Fatalf("no wide column %s in %q", name, rows[0])
			}
			return i
		}
		if len(rows) != len(participants)+1 {
			t.Fatalf("wide: %d rows, want %d", len(rows), len(participants)+1)
		}
		for i, r := range rows[1:] {
			for name, w := range map[string]string{"participant": participants[i], "mood_a_baseline": "-2", "mood_b_baseline": "-3", "mood_mean_baseline": "-2.5", "mood_why_baseline": want(formulaAnswers[i])} {
				if r[col(name)] != w {
					t.Errorf("raw=%v: wide %s %s = %q, want %q", raw, participants[i], name, r[col(name)], w)
				}
			}
		}

		// Codebook: every cell is text; the note says what was done.
		cb := readCSV(t, render(t, func(b *bytes.Buffer) error { return wide.WriteCodebook(b) }))
		byName := map[string][]string{}
		for _, r := range cb[1:] {
			byName[r[0]] = r
		}
		for _, c := range []struct{ variable, column, typed string }{
			{"mood_a_baseline", "label", "@mood change this week (Baseline)"},
			{"mood_b_baseline", "label", "=mood change this month (Baseline)"},
			{"mood_a_baseline", "allowed_values", "-5..5"},
		} {
			if got := byName[c.variable][slices.Index(CodebookHeader, c.column)]; got != want(c.typed) {
				t.Errorf("raw=%v: codebook %s %s = %q, want %q", raw, c.variable, c.column, got, want(c.typed))
			}
		}
		note := cb[len(cb)-1]
		wantNote := FormulaNote
		if raw {
			wantNote = RawNote
		}
		if note[0] != "" || note[1] != wantNote || note[2] != "note" {
			t.Errorf("raw=%v: codebook's last row %q, want the note %q", raw, note, wantNote)
		}

		// The loaders read the numeric columns as numbers either way; SPSS
		// sizes the text column for the quote too, so none is cut off.
		sps := string(render(t, func(b *bytes.Buffer) error { return wide.WriteSPSS(b, "w.csv") }))
		width := len(want(formulaAnswers[0]))
		if !regexp.MustCompile(fmt.Sprintf(`(?m)^    mood_why_baseline A%d$`, width)).MatchString(sps) ||
			!strings.Contains(sps, "    mood_a_baseline F8.0\n") || !strings.Contains(sps, "    mood_mean_baseline F12.6\n") {
			t.Errorf("raw=%v: SPSS variables, want mood_why_baseline A%d, mood_a_baseline F8.0, mood_mean_baseline F12.6:\n%s", raw, width, sps)
		}
		r := string(render(t, func(b *bytes.Buffer) error { return wide.WriteR(b, "w.csv") }))
		if !strings.Contains(r, `"mood_a_baseline" = "integer"`) || !strings.Contains(r, `"mood_mean_baseline" = "numeric"`) || !strings.Contains(r, `"mood_why_baseline" = "character"`) {
			t.Errorf("raw=%v: R column classes:\n%s", raw, r)
		}
		if strings.Contains(r, "single quote in front") == raw {
			t.Errorf("raw=%v: R syntax says of the quote: %v", raw, !raw)
		}
	}
}

// The report's CSV follows the same rule: its text cells are quoted, its
// negative statistics stay numbers.
func TestReportCSVNeutralisesFormulas(t *testing.T) {
	a := &Analysis{
		From: questionnaires.Timepoint{ID: "baseline"}, To: questionnaires.Timepoint{ID: "m12"},
		Fidelity: []Fidelity{{Questionnaire: "=q", Score: "mean", Site: "OSL", Timepoint: "m12", Raters: 1, Mean: -1.5, Band: "-low"}},
	}
	rows := readCSV(t, render(t, func(b *bytes.Buffer) error { return a.WriteCSV(b) }))
	want := map[string]string{"raters": "1", "mean": "-1.5", "band": "'-low"}
	for _, r := range rows[1:] {
		if r[1] != "'=q" {
			t.Errorf("questionnaire cell %q, want '=q", r[1])
		}
		if w, ok := want[r[6]]; !ok || r[7] != w {
			t.Errorf("%s = %q, want %q", r[6], r[7], w)
		}
	}
}
