package flows

import (
	"strings"
	"testing"

	"github.com/imrbot/imrbot/questionnaires"
)

// FuzzStep drives random conversations over the default study through the
// simulated adapter, whose checks are the engine's guarantees: no panic; a
// stale answer or skip button changes nothing and stores nothing; invalid
// input while a question is open stores nothing; an answer is saved only for
// a visible item, with a valid value, never a skip of a required item, and
// never twice without a /back in between; CompleteTask only when every
// visible item is answered and every visible required one has a value;
// replies within Telegram's limits.
//
// Input: byte 0 chooses the role and the adapter's variations, byte 1 the
// language, then (op, arg) pairs are events.
func FuzzStep(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 3, 0, 5, 0, 5, 1, 5, 2, 8, 0, 5, 3, 10, 0})
	f.Add([]byte{1, 1, 0, 0, 3, 0, 5, 0, 16, 0, 5, 1, 7, 3, 5, 0, 16, 1})
	f.Add([]byte{2, 0, 0, 0, 10, 0, 5, 0, 5, 1, 14, 0})
	cat, err := questionnaires.Load("")
	if err != nil {
		f.Fatalf("questionnaires.Load: %v", err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 2 {
			return
		}
		roles := []questionnaires.Role{questionnaires.RoleConsumer, questionnaires.RoleClinician, questionnaires.RoleCoordinator}
		s := newSim(t, cat, roles[int(data[0])%3], questionnaires.Languages[int(data[1])%len(questionnaires.Languages)])
		s.dropCompleted = data[0]&0x10 != 0
		s.noRateeTasks = data[0]&0x20 != 0
		for i := 2; i+1 < len(data) && i < 2+2*200; i += 2 {
			s.step(fuzzEvent(s, data[i], data[i+1]))
		}
	})
}

// fuzzTexts are typed messages worth trying: codes, numbers at and past
// the edges, words, markup, emoji, control characters, long text.
var fuzzTexts = []string{
	"1", "2", "3", "4", "5", "0", "9", "-1", "100", "101", "+3", " 2 ", "2.5", "1e3",
	"99999999999999999999", "abc", "", "  ", "ja", "norsk", "english", "<b>x</b>", "a&b",
	"7️⃣", "😀", "line\nbreak", "\x00", strings.Repeat("x", 1001), strings.Repeat("é", 1000),
}

func fuzzEvent(s *sim, op, arg byte) Event {
	n := int(arg)
	switch op % 24 {
	case 0:
		return cmd("start", "INV")
	case 1:
		return cmd("start")
	case 2:
		return cmd("start", []string{"NOSUCH", "OLD"}[n%2])
	case 3:
		return tap(questionnaires.CallbackConsentYes)
	case 4:
		return tap(questionnaires.CallbackConsentNo)
	case 5, 6, 7:
		// The n-th button of the newest message with buttons.
		if b, ok := newestButton(s, n); ok {
			return tap(b.Data)
		}
		return text(fuzzTexts[n%len(fuzzTexts)])
	case 8:
		return cmd("back")
	case 9:
		return cmd("skip")
	case 10:
		return cmd("resume")
	case 11:
		return cmd("help")
	case 12:
		return cmd("language")
	case 13:
		return tap(questionnaires.LanguageCallbackData([]string{"en", "nb", "de"}[n%3]))
	case 14:
		return cmd("withdraw")
	case 15:
		return tap([]string{questionnaires.CallbackWithdrawYes, questionnaires.CallbackWithdrawNo, questionnaires.CallbackKeepAnswers, questionnaires.CallbackEraseAnswers}[n%4])
	case 16:
		code := []string{"OSL-C-0011", "OSL-C-0012", "OSL-C-9999", "osl-c-0011"}[n%4]
		if n&4 != 0 {
			return cmd("rate", code)
		}
		data, _ := questionnaires.RateCallbackData(code)
		return tap(data)
	case 17:
		return tap(questionnaires.SkipCallbackData(s.st.Seq - int64(n%3)))
	case 18:
		if n%2 == 0 {
			return Event{Kind: EventUnsupported}
		}
		return Event{Kind: EventEdited, Text: "1"}
	case 19:
		return tap(questionnaires.CallbackStart)
	case 20:
		return tap(questionnaires.AnswerCallbackData(s.st.Seq-int64(n%4), n%6))
	case 21:
		// Any button sent so far: mostly stale ones.
		var all []Button
		for _, r := range s.sent {
			for _, row := range r.Buttons {
				all = append(all, row...)
			}
		}
		if len(all) > 0 {
			return tap(all[n%len(all)].Data)
		}
		return cmd("help")
	case 22:
		return cmd([]string{"frob", "due", "status", "remind", "continue"}[n%5])
	default:
		return text(fuzzTexts[n%len(fuzzTexts)])
	}
}

func newestButton(s *sim, n int) (Button, bool) {
	for i := len(s.sent) - 1; i >= 0; i-- {
		var all []Button
		for _, row := range s.sent[i].Buttons {
			all = append(all, row...)
		}
		if len(all) > 0 {
			return all[n%len(all)], true
		}
	}
	return Button{}, false
}

// TestFuzzSeedsReachDeep guards the seed corpus's value: a seed that walks
// a whole battery must really complete it.
func TestFuzzSeedsReachDeep(t *testing.T) {
	cat := defaultCatalog(t)
	s := newSim(t, cat, questionnaires.RoleConsumer, "en")
	s.step(cmd("start", "INV"))
	s.step(tap(questionnaires.CallbackConsentYes))
	for i := 0; i < 200 && s.st.Phase == PhaseWalking; i++ {
		s.step(fuzzEvent(s, 5, byte(i)))
	}
	for _, task := range s.self {
		if !task.Completed {
			t.Fatalf("tapping the newest buttons did not complete %s", task.Key.Questionnaire)
		}
	}
}
