package flows

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/imrbot/imrbot/questionnaires"
)

func defaultCatalog(t testing.TB) *questionnaires.Catalog {
	t.Helper()
	cat, err := questionnaires.Load("")
	if err != nil {
		t.Fatalf("questionnaires.Load: %v", err)
	}
	return cat
}

// answerCurrent answers the open question the way a person would: a button
// for a choice (the pick-th option, wrapping), the lowest number in range
// for an integer, a short text for a text item; n counts answers given.
func answerCurrent(t *testing.T, s *sim, pick int) []Reply {
	t.Helper()
	c := s.st.Cursor
	if s.st.Phase != PhaseWalking || c == nil {
		t.Fatalf("no open question: %+v", s.st)
	}
	task := s.task(c.Task)
	it, i, _ := task.Questionnaire.Item(c.Item)
	n, of := progressOf(task, i)
	progress := fmt.Sprintf("%d/%d", n, of)
	if p := lastPrompt(s.last); !strings.Contains(p.Text, progress) {
		t.Fatalf("prompt %q lacks progress %s", p.Text, progress)
	}
	var replies []Reply
	switch it.Type {
	case questionnaires.TypeChoice:
		o := it.Options[pick%len(it.Options)]
		label := strconv.Itoa(o.Code) + " - "
		replies, _ = s.press(label)
	case questionnaires.TypeInteger:
		lo, _, _ := task.Questionnaire.Range(i)
		replies, _ = s.step(text(strconv.Itoa(lo)))
	default:
		replies, _ = s.step(text("fine"))
	}
	return replies
}

func lastPrompt(replies []Reply) Reply {
	for i := len(replies) - 1; i >= 0; i-- {
		if replies[i].Prompt {
			return replies[i]
		}
	}
	return Reply{}
}

// TestDefaultStudyConsumer: a consumer answers the whole default baseline
// battery, one question per message, and every questionnaire completes.
func TestDefaultStudyConsumer(t *testing.T) {
	for _, lang := range questionnaires.Languages {
		t.Run(lang, func(t *testing.T) {
			cat := defaultCatalog(t)
			s := newSim(t, cat, questionnaires.RoleConsumer, lang)
			s.step(cmd("start", "INV"))
			b, _ := s.button(render(lang, msgConsentYes))
			s.step(tap(b.Data))
			for n := 0; s.st.Phase == PhaseWalking; n++ {
				if n > 200 {
					t.Fatal("battery does not end")
				}
				answerCurrent(t, s, n)
			}
			for _, task := range s.self {
				if !task.Completed {
					t.Errorf("%s not completed", task.Key.Questionnaire)
				}
			}
			tp, _ := cat.Protocol.Timepoint("baseline")
			if len(s.self) != 4 || !strings.Contains(allText(s.last), render(lang, msgAllDone, tp.Label.In(lang))) {
				t.Errorf("battery of %d, last replies:\n%s", len(s.self), allText(s.last))
			}
		})
	}
}

// TestDefaultStudyClinician: a clinician answers imr-practice, then rates a
// consumer with imrs-clinician, honos and gaf.
func TestDefaultStudyClinician(t *testing.T) {
	cat := defaultCatalog(t)
	s := newSim(t, cat, questionnaires.RoleClinician, "en")
	s.step(cmd("start", "INV"))
	s.press("I agree")
	n := 0
	for ; s.st.Phase == PhaseWalking; n++ {
		answerCurrent(t, s, n)
	}
	if !s.self[0].Completed || s.self[0].Key.Questionnaire != "imr-practice" {
		t.Fatalf("own questionnaire: %+v", s.self)
	}
	s.press("OSL-C-0011")
	for ; s.st.Phase == PhaseWalking; n++ {
		answerCurrent(t, s, n)
	}
	var done []string
	for _, task := range s.ratees[0].tasks {
		if task.Completed {
			done = append(done, task.Key.Questionnaire)
		}
	}
	if strings.Join(done, ",") != "imrs-clinician,honos,gaf" {
		t.Fatalf("completed ratings %v", done)
	}
	if !strings.Contains(allText(s.last), "r:OSL-C-0012") {
		t.Fatalf("no remaining list:\n%s", allText(s.last))
	}
}

// TestDefaultStudyShowIf walks qol with answers that hide its show_if item
// and checks it is neither asked nor stored.
func TestDefaultStudyShowIf(t *testing.T) {
	cat := defaultCatalog(t)
	q := cat.Questionnaires["qol"]
	var hidden, cond string
	var codes []int
	for _, it := range q.Items {
		if it.ShowIf != nil {
			hidden, cond, codes = it.ID, it.ShowIf.Item, it.ShowIf.In
		}
	}
	if hidden == "" {
		t.Skip("qol has no show_if item")
	}
	s := newSim(t, cat, questionnaires.RoleConsumer, "en")
	s.self = s.self[3:] // qol only
	s.step(cmd("start", "INV"))
	s.press("I agree")
	for n := 0; s.st.Phase == PhaseWalking; n++ {
		it, _, _ := q.Item(s.st.Cursor.Item)
		if it.ID == hidden {
			t.Fatalf("%s asked although %s is not in %v", hidden, cond, codes)
		}
		if it.ID == cond {
			for _, o := range it.Options {
				if !containsInt(codes, o.Code) {
					s.step(text(strconv.Itoa(o.Code)))
					break
				}
			}
			continue
		}
		answerCurrent(t, s, n)
	}
	if _, ok := s.self[0].Answers[hidden]; ok || !s.self[0].Completed {
		t.Fatalf("hidden item stored or qol not completed: %v", s.self[0].Answers)
	}
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
