package flows

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/imrbot/imrbot/questionnaires"
)

func ptr[T any](v T) *T { return &v }

func tx(en, nb string) questionnaires.Text { return questionnaires.Text{"en": en, "nb": nb} }

// testCatalog is a small study built in Go: a consumer battery of two
// questionnaires (choices, a show_if integer, an optional text), a
// clinician's self questionnaire and one rating, a coordinator's site
// rating.
func testCatalog() *questionnaires.Catalog {
	freq := []questionnaires.Option{
		{Code: 1, Label: tx("Never", "Aldri")},
		{Code: 2, Label: tx("Sometimes", "Noen ganger")},
		{Code: 3, Label: tx("Often", "Ofte")},
	}
	yesNo := []questionnaires.Option{{Code: 1, Label: tx("Yes", "Ja")}, {Code: 2, Label: tx("No", "Nei")}}
	q := func(id string, resp questionnaires.Role, subj questionnaires.Subject, items ...questionnaires.Item) *questionnaires.Questionnaire {
		return &questionnaires.Questionnaire{
			ID: id, Version: "1", Wording: "placeholder", Title: tx("Title "+id, "Tittel "+id),
			Respondent: resp, Subject: subj, Items: items,
		}
	}
	q1 := q("q1", questionnaires.RoleConsumer, questionnaires.SubjectSelf,
		questionnaires.Item{ID: "q1_1", Type: questionnaires.TypeChoice, Text: tx("How often A?", "Hvor ofte A?"), Options: freq},
		questionnaires.Item{ID: "q1_2", Type: questionnaires.TypeChoice, Text: tx("Do you work?", "Jobber du?"), Options: yesNo},
		questionnaires.Item{ID: "q1_3", Type: questionnaires.TypeInteger, Text: tx("Hours a week?", "Timer i uka?"),
			Min: ptr(0), Max: ptr(80), ShowIf: &questionnaires.Condition{Item: "q1_2", In: []int{1}}},
		questionnaires.Item{ID: "q1_4", Type: questionnaires.TypeText, Text: tx("Anything else?", "Noe mer?"), Optional: true},
	)
	q1.Recall = tx("In the past week.", "Den siste uken.")
	q1.Intro = tx("About your week.", "Om uka di.")
	q2 := q("q2", questionnaires.RoleConsumer, questionnaires.SubjectSelf,
		questionnaires.Item{ID: "q2_1", Type: questionnaires.TypeChoice, Text: tx("How often B?", "Hvor ofte B?"), Options: freq},
		questionnaires.Item{ID: "q2_2", Type: questionnaires.TypeChoice, Text: tx("How often C?", "Hvor ofte C?"), Options: freq},
	)
	prac := q("prac", questionnaires.RoleClinician, questionnaires.SubjectSelf,
		questionnaires.Item{ID: "prac_1", Type: questionnaires.TypeChoice, Text: tx("Trained?", "Opplært?"), Options: yesNo},
	)
	rate := q("rate", questionnaires.RoleClinician, questionnaires.SubjectConsumer,
		questionnaires.Item{ID: "rate_1", Type: questionnaires.TypeChoice, Text: tx("Coping?", "Mestring?"), Options: freq},
		questionnaires.Item{ID: "rate_2", Type: questionnaires.TypeInteger, Text: tx("GAF?", "GAF?"), Min: ptr(1), Max: ptr(100)},
	)
	site := q("site", questionnaires.RoleCoordinator, questionnaires.SubjectSite,
		questionnaires.Item{ID: "site_1", Type: questionnaires.TypeChoice, Text: tx("Fidelity?", "Troskap?"), Options: freq},
	)
	integrity := q("integrity", questionnaires.RoleAssessor, questionnaires.SubjectClinician,
		questionnaires.Item{ID: "integrity_1", Type: questionnaires.TypeChoice, Text: tx("Structure?", "Struktur?"), Options: freq},
		questionnaires.Item{ID: "integrity_2", Type: questionnaires.TypeChoice, Text: tx("Alliance?", "Allianse?"), Options: freq},
	)
	return &questionnaires.Catalog{
		Questionnaires: map[string]*questionnaires.Questionnaire{"q1": q1, "q2": q2, "prac": prac, "rate": rate, "site": site, "integrity": integrity},
		Study: questionnaires.Study{
			Wording:           questionnaires.WordingValidated,
			Consent:           questionnaires.Consent{Version: "v1", Text: tx("Consent text.", "Samtykketekst.")},
			Contact:           tx("Kari, 22 00 00 00", "Kari, tlf. 22 00 00 00"),
			EthicsApproval:    tx("REK 1", "REK 1"),
			DataController:    tx("The hospital", "Sykehuset"),
			InformationLetter: tx("https://example.org/en", "https://example.org/nb"),
		},
		Protocol: questionnaires.Protocol{
			Timepoints: []questionnaires.Timepoint{
				{ID: "baseline", Label: tx("Baseline", "Oppstart"), ClosesAfterDays: 60},
				{ID: "m12", Label: tx("12 months", "12 måneder"), Months: 12, OpensBeforeDays: 14, ClosesAfterDays: 60},
			},
			Batteries: []questionnaires.Battery{
				{Role: questionnaires.RoleConsumer, Subject: questionnaires.SubjectSelf, Timepoints: []string{"baseline", "m12"}, Questionnaires: []string{"q1", "q2"}},
				{Role: questionnaires.RoleClinician, Subject: questionnaires.SubjectSelf, Timepoints: []string{"baseline", "m12"}, Questionnaires: []string{"prac"}},
				{Role: questionnaires.RoleClinician, Subject: questionnaires.SubjectConsumer, Timepoints: []string{"baseline", "m12"}, Questionnaires: []string{"rate"}},
				{Role: questionnaires.RoleCoordinator, Subject: questionnaires.SubjectSite, Timepoints: []string{"m12"}, Questionnaires: []string{"site"}},
				{Role: questionnaires.RoleAssessor, Subject: questionnaires.SubjectSite, Timepoints: []string{"m12"}, Questionnaires: []string{"site"}},
				{Role: questionnaires.RoleAssessor, Subject: questionnaires.SubjectClinician, Timepoints: []string{"m12"}, Questionnaires: []string{"integrity"}},
			},
		},
	}
}

func text(s string) Event { return Event{Kind: EventText, Text: s} }

func cmd(c string, arg ...string) Event {
	return Event{Kind: EventCommand, Command: c, Arg: strings.Join(arg, " ")}
}

func tap(data string) Event { return Event{Kind: EventButton, Data: data} }

// press taps the newest button sent so far whose text begins with prefix,
// as a person scrolling up the chat would.
func (s *sim) press(prefix string) ([]Reply, []Effect) {
	s.tb.Helper()
	if b, ok := s.button(prefix); ok {
		return s.step(tap(b.Data))
	}
	s.fail("no button beginning %q in %v", prefix, s.last)
	return nil, nil
}

// button finds the newest button sent whose text begins with prefix.
func (s *sim) button(prefix string) (Button, bool) {
	for i := len(s.sent) - 1; i >= 0; i-- {
		for _, row := range s.sent[i].Buttons {
			for _, b := range row {
				if strings.HasPrefix(b.Text, prefix) {
					return b, true
				}
			}
		}
	}
	return Button{}, false
}

// describe writes effects compactly for comparison.
func describe(effects []Effect) []string {
	var out []string
	for _, e := range effects {
		switch e := e.(type) {
		case LinkChat:
			out = append(out, fmt.Sprintf("LinkChat %d", e.ParticipantID))
		case RecordConsent:
			out = append(out, fmt.Sprintf("RecordConsent %s %v", e.Version, e.Agreed))
		case SetLanguage:
			out = append(out, "SetLanguage "+e.Lang)
		case StartTask:
			out = append(out, fmt.Sprintf("StartTask %d/%s", e.Key.SubjectID, e.Key.Questionnaire))
		case SaveAnswer:
			v := "<skip>"
			if e.Value != nil {
				v = *e.Value
			}
			out = append(out, fmt.Sprintf("SaveAnswer %d/%s/%s=%s", e.Key.SubjectID, e.Key.Questionnaire, e.Item, v))
		case CompleteTask:
			out = append(out, fmt.Sprintf("CompleteTask %d/%s", e.Key.SubjectID, e.Key.Questionnaire))
		case Withdraw:
			out = append(out, fmt.Sprintf("Withdraw %v", e.Erase))
		case Audit:
			out = append(out, "Audit "+e.Action)
		default:
			out = append(out, fmt.Sprintf("%T", e))
		}
	}
	return out
}

// allText is every reply's text and button texts, for substring checks.
func allText(replies []Reply) string {
	var b strings.Builder
	for _, r := range replies {
		fmt.Fprintf(&b, "[%s prompt=%v] %s\n", r.Kind, r.Prompt, r.Text)
		for _, row := range r.Buttons {
			for _, btn := range row {
				fmt.Fprintf(&b, "  (%s | %s)\n", btn.Text, btn.Data)
			}
		}
	}
	return b.String()
}

// turn is one event of a conversation test and what must come of it.
type turn struct {
	ev    Event
	press string   // tap the button whose text begins with this instead of ev
	want  []string // substrings of the replies (texts and buttons)
	not   []string // substrings that must not appear
	fx    []string // the effects, exactly (nil: none)
	anyFx bool     // do not check effects
	phase Phase    // phase after the turn, if set
	check func(t *testing.T, s *sim, replies []Reply)
}

// play runs turns against s and checks each.
func play(t *testing.T, s *sim, turns []turn) {
	t.Helper()
	for i, tn := range turns {
		var replies []Reply
		var effects []Effect
		if tn.press != "" {
			replies, effects = s.press(tn.press)
		} else {
			replies, effects = s.step(tn.ev)
		}
		got := allText(replies)
		for _, w := range tn.want {
			if !strings.Contains(got, w) {
				t.Fatalf("turn %d (%+v %q): replies lack %q:\n%s", i, tn.ev, tn.press, w, got)
			}
		}
		for _, w := range tn.not {
			if strings.Contains(got, w) {
				t.Fatalf("turn %d (%+v %q): replies contain %q:\n%s", i, tn.ev, tn.press, w, got)
			}
		}
		if !tn.anyFx && !slices.Equal(describe(effects), tn.fx) {
			t.Fatalf("turn %d (%+v %q): effects %q, want %q\nreplies:\n%s", i, tn.ev, tn.press, describe(effects), tn.fx, got)
		}
		if tn.phase != "" && s.st.Phase != tn.phase {
			t.Fatalf("turn %d (%+v %q): phase %q, want %q", i, tn.ev, tn.press, s.st.Phase, tn.phase)
		}
		if tn.check != nil {
			tn.check(t, s, replies)
		}
	}
}
