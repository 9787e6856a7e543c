package conversation_test

import (
	"strings"
	"testing"

	"github.com/imrbot/imrbot/conversation"
	"github.com/imrbot/imrbot/flows"
)

// replyText joins an outcome's replies, buttons included.
func replyText(out *conversation.Outcome) string {
	var b strings.Builder
	for _, r := range out.Replies {
		b.WriteString(r.Text + "\n")
		for _, row := range r.Buttons {
			for _, btn := range row {
				b.WriteString("[" + btn.Text + "]")
			}
		}
	}
	return b.String()
}

// Once an assessor takes part, a coordinator is no longer asked to rate
// their site, except to finish a rating they had started; the assessor's
// list has every site with a coordinator in the study, and their site
// rating is about that coordinator, with the assessor as respondent.
func TestAssessorTakesOverSiteRatings(t *testing.T) {
	s := newStudy(t)
	resume := flows.Event{Kind: flows.EventCommand, Command: "resume"}
	// The sites' coordinators linked a year ago: m12 is due today.
	osl := s.enrol("OSL", "coordinator", "2024-03-14", "")
	oslChat := s.chat
	s.enrol("BRG", "coordinator", "2024-03-14", "")
	brgChat := s.chat

	out := s.apply(oslChat, resume)
	if text, n := question(t, out); n != "1" || !strings.Contains(text, "IMR Fidelity") {
		t.Fatalf("OSL's coordinator is asked %q, want the fidelity scale's first item", text)
	}
	s.apply(oslChat, flows.Event{Kind: flows.EventText, Text: "3"})

	// Before an assessor: BRG's coordinator is asked too.
	if text, _ := question(t, s.apply(brgChat, resume)); !strings.Contains(text, "IMR Fidelity") {
		t.Fatalf("BRG's coordinator is asked %q before any assessor", text)
	}

	ann := s.enrol("BRG", "assessor", "", "")
	annChat := s.chat
	list := s.apply(annChat, flows.Event{Kind: flows.EventCommand, Command: "rate"})
	if got := replyText(list); !strings.Contains(got, "[BRG]") || !strings.Contains(got, "[OSL]") {
		t.Fatalf("the assessor's list: %s", got)
	}

	// OSL's coordinator finishes what they started; BRG's is not asked.
	if text, n := question(t, s.apply(oslChat, resume)); n != "2" || !strings.Contains(text, "IMR Fidelity") {
		t.Errorf("OSL's coordinator, rating started, is asked %q, want the fidelity scale's item 2", text)
	}
	out = s.apply(brgChat, resume)
	if last := out.Replies[len(out.Replies)-1]; last.Prompt || !strings.Contains(replyText(out), "Coordinator commands") {
		t.Errorf("BRG's coordinator, with an assessor in the study, gets %s", replyText(out))
	}

	out = s.apply(annChat, flows.Event{Kind: flows.EventButton, Data: button(t, list, "OSL")})
	if text, n := question(t, out); n != "1" || !strings.HasPrefix(text, "OSL · 1/13") {
		t.Fatalf("the assessor's site rating starts with %q", text)
	}
	s.apply(annChat, flows.Event{Kind: flows.EventText, Text: "4"})
	states, err := s.st.AssessmentStatesAt(s.ctx, s.ids[osl], "m12")
	if err != nil {
		t.Fatal(err)
	}
	respondents := map[int64]bool{}
	for _, a := range states {
		respondents[a.RespondentID] = true
	}
	if !respondents[s.ids[ann]] || !respondents[s.ids[osl]] || len(respondents) != 2 {
		t.Errorf("assessments about OSL's coordinator have respondents %v, want the coordinator (%d) and the assessor (%d)",
			respondents, s.ids[osl], s.ids[ann])
	}
}
