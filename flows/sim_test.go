package flows

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/imrbot/imrbot/questionnaires"
)

// sim plays the adapter for one chat: it keeps what the store would hold,
// builds Env the way the adapter must (Tasks follow State.Rating; before
// consent, the tasks consent would open), applies the effects, and checks
// the engine's guarantees on every step.
type sim struct {
	tb  testing.TB
	cat *questionnaires.Catalog
	now time.Time

	invites map[string]*simInvite // by invite code
	p       *Participant          // linked participant; nil: chat not linked
	self    []Task
	ratees  []simRatee
	st      State

	// dropCompleted leaves completed tasks out of Env.Tasks (the adapter
	// may send only open ones); noRateeTasks leaves Ratee.Tasks empty.
	dropCompleted bool
	noRateeTasks  bool

	backs     int              // /back commands so far
	savedAt   map[string]int   // item key -> backs when last saved
	started   map[TaskKey]bool // StartTask seen
	prompted  bool             // a prompt has been sent
	audits    []Audit          // Audit effects applied
	stored    int              // effects applied, all kinds
	last      []Reply          // replies of the last step
	sent      []Reply          // every message sent, oldest first
	lastFx    []Effect         // effects of the last step
	consents  []RecordConsent  // decisions recorded
	withdrawn []Withdraw       // withdrawals recorded
	langs     []string         // SetLanguage values
	links     int              // LinkChat count
	completed map[TaskKey]bool // CompleteTask seen
	history   []Event          // events, for failure messages
	updates   int64            // update ids handed out
	update    int64            // the update id of the event being applied
}

type simInvite struct {
	p    Participant
	used string // "", "here", "elsewhere"
}

type simRatee struct {
	id    int64
	code  string
	tasks []Task
}

// newSim makes a chat with one invitation, "INV", for a participant of role.
func newSim(tb testing.TB, cat *questionnaires.Catalog, role questionnaires.Role, lang string) *sim {
	s := &sim{
		tb: tb, cat: cat, now: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC),
		invites: map[string]*simInvite{}, savedAt: map[string]int{},
		started: map[TaskKey]bool{}, completed: map[TaskKey]bool{},
	}
	codes := map[questionnaires.Role]string{
		questionnaires.RoleConsumer: "OSL-C-0001", questionnaires.RoleClinician: "OSL-K-0001",
		questionnaires.RoleCoordinator: "OSL-L-0001", questionnaires.RoleAssessor: "EXT-A-0001",
	}
	p := Participant{ID: 1, Code: codes[role], Role: role, Site: "OSL", Lang: lang, Status: questionnaires.StatusInvited}
	s.invites["INV"] = &simInvite{p: p}
	switch role {
	case questionnaires.RoleConsumer:
		s.self = s.tasksFor(1, p.Code, role, questionnaires.SubjectSelf, "baseline")
	case questionnaires.RoleClinician:
		s.self = s.tasksFor(1, p.Code, role, questionnaires.SubjectSelf, "baseline")
		for i, code := range []string{"OSL-C-0011", "OSL-C-0012"} {
			id := int64(11 + i)
			s.ratees = append(s.ratees, simRatee{id: id, code: code,
				tasks: s.tasksFor(id, code, role, questionnaires.SubjectConsumer, "baseline")})
		}
	case questionnaires.RoleCoordinator:
		s.self = s.tasksFor(100, "OSL", role, questionnaires.SubjectSite, "m12")
	case questionnaires.RoleAssessor:
		// Site OSL through its first coordinator (100), and a clinician.
		s.ratees = append(s.ratees,
			simRatee{id: 100, code: "OSL", tasks: s.tasksFor(100, "OSL", role, questionnaires.SubjectSite, "m12")},
			simRatee{id: 21, code: "OSL-K-0021", tasks: s.tasksFor(21, "OSL-K-0021", role, questionnaires.SubjectClinician, "m12")})
	}
	return s
}

func (s *sim) tasksFor(subject int64, code string, role questionnaires.Role, about questionnaires.Subject, tp string) []Task {
	var out []Task
	for _, id := range s.cat.Protocol.BatteryFor(role, about, tp) {
		q := s.cat.Questionnaires[id]
		if q == nil {
			s.tb.Fatalf("battery names unknown questionnaire %s", id)
		}
		out = append(out, Task{
			Key:           TaskKey{SubjectID: subject, SubjectCode: code, Questionnaire: id, Timepoint: tp},
			Questionnaire: q, Answers: map[string]*string{},
		})
	}
	return out
}

// env builds what the adapter would load for ev.
func (s *sim) env(ev Event) Env {
	e := Env{Catalog: s.cat, Now: s.now}
	if ev.Kind == EventCommand && ev.Command == "start" && ev.Arg != "" {
		e.Invite = &Invite{Status: InviteUnknown}
		if inv, ok := s.invites[ev.Arg]; ok {
			st := InviteValid
			switch inv.used {
			case "here":
				st = InviteUsedHere
			case "elsewhere":
				st = InviteUsedElsewhere
			}
			e.Invite = &Invite{Status: st, ParticipantID: inv.p.ID, Code: inv.p.Code, Role: inv.p.Role, Lang: inv.p.Lang}
		} else if ev.Arg == "OLD" {
			e.Invite = &Invite{Status: InviteExpired}
		}
	}
	if s.p == nil {
		return e
	}
	p := *s.p
	e.Participant = &p
	if s.st.Rating != nil {
		for _, r := range s.ratees {
			if r.id == *s.st.Rating {
				e.Tasks = s.copyTasks(r.tasks)
			}
		}
	} else {
		e.Tasks = s.copyTasks(s.self)
	}
	if questionnaires.RatesOthers(p.Role) {
		for _, r := range s.ratees {
			open := 0
			for _, t := range r.tasks {
				if !t.Completed {
					open++
				}
			}
			rt := Ratee{ParticipantID: r.id, Code: r.code, Open: open}
			if !s.noRateeTasks {
				rt.Tasks = s.copyTasks(r.tasks)
			}
			e.Ratees = append(e.Ratees, rt)
		}
	}
	return e
}

func (s *sim) copyTasks(in []Task) []Task {
	var out []Task
	for _, t := range in {
		if s.dropCompleted && t.Completed {
			continue
		}
		a := map[string]*string{}
		for k, v := range t.Answers {
			a[k] = v
		}
		t.Answers = a
		out = append(out, t)
	}
	return out
}

func (s *sim) task(k TaskKey) *Task {
	for i := range s.self {
		if s.self[i].Key == k {
			return &s.self[i]
		}
	}
	for ri := range s.ratees {
		for i := range s.ratees[ri].tasks {
			if s.ratees[ri].tasks[i].Key == k {
				return &s.ratees[ri].tasks[i]
			}
		}
	}
	return nil
}

// step feeds one event, applies what it produced and checks the rules.
func (s *sim) step(ev Event) ([]Reply, []Effect) {
	s.tb.Helper()
	if ev.UpdateID == 0 {
		s.updates++
		ev.UpdateID = s.updates
	}
	s.update = ev.UpdateID
	s.history = append(s.history, ev)
	env := s.env(ev)
	before := s.st
	st, replies, effects := Step(env, s.st, ev)
	s.last, s.lastFx = replies, effects
	for _, r := range replies {
		if r.Kind == ReplySend {
			s.sent = append(s.sent, r)
		}
	}
	s.checkReplies(replies)
	if len(replies) == 0 {
		s.fail("no reply to %+v", ev)
	}

	if st.Seq < before.Seq {
		s.fail("Seq went back from %d to %d", before.Seq, st.Seq)
	}
	// A stale answer or skip button: a notice, nothing stored, no change.
	if ev.Kind == EventButton {
		seq, _, isAnswer := questionnaires.ParseAnswerCallbackData(ev.Data)
		if sk, ok := questionnaires.ParseSkipCallbackData(ev.Data); ok {
			seq, isAnswer = sk, true
		}
		if isAnswer && (seq != before.Seq || before.Phase != PhaseWalking) {
			if len(effects) != 0 || !reflect.DeepEqual(st, before) || len(replies) != 1 || replies[0].Kind != ReplyNotice {
				s.fail("stale button %q: effects %v, replies %v, state %+v -> %+v", ev.Data, effects, replies, before, st)
			}
		}
	}
	// Invalid input while a question is open: a re-ask, nothing stored.
	if before.Phase == PhaseWalking && (ev.Kind == EventUnsupported || ev.Kind == EventEdited) && len(effects) != 0 {
		if _, ok := s.cursorOpen(before); ok {
			s.fail("%s while walking stored %v", ev.Kind, effects)
		}
	}
	if ev.Kind == EventText && before.Phase == PhaseWalking {
		if _, ok := s.cursorOpen(before); ok && !hasSave(effects) && len(effects) != 0 {
			s.fail("invalid text %q stored %v", ev.Text, effects)
		}
	}
	if ev.Kind == EventCommand && ev.Command == "back" {
		s.backs++
	}
	for _, e := range effects {
		s.apply(e)
	}
	s.st = st
	s.checkPrompts(before, st, replies)
	// After the step, a walking conversation points at an open, visible
	// question; if a question was sent, it is that one.
	if st.Phase == PhaseWalking {
		i, ok := s.cursorOpen(st)
		if !ok {
			s.fail("walking with cursor %+v that is not an open question", st.Cursor)
		}
		if st.Seq != before.Seq {
			n, of := progressOf(s.task(st.Cursor.Task), i)
			progress := fmt.Sprintf("%d/%d ", n, of)
			if p := lastPrompt(replies); !strings.Contains(p.Text, progress) {
				s.fail("last prompt %q is not the cursor's question (%s)", p.Text, progress)
			}
		}
	}
	return replies, effects
}

// checkPrompts: a new sequence number comes with a prompt, and answer and
// skip buttons appear only on the last prompt, carrying the new number.
func (s *sim) checkPrompts(before, st State, replies []Reply) {
	last := -1
	for i, r := range replies {
		if r.Prompt {
			last = i
		}
	}
	if st.Seq != before.Seq && last < 0 {
		s.fail("Seq moved from %d to %d without a prompt", before.Seq, st.Seq)
	}
	for i, r := range replies {
		for _, row := range r.Buttons {
			for _, b := range row {
				seq, _, ok := questionnaires.ParseAnswerCallbackData(b.Data)
				if sk, isSkip := questionnaires.ParseSkipCallbackData(b.Data); isSkip {
					seq, ok = sk, true
				}
				if ok && (i != last || seq != st.Seq) {
					s.fail("button %q on reply %d (last prompt %d, seq %d)", b.Data, i, last, st.Seq)
				}
			}
		}
	}
}

func hasSave(effects []Effect) bool {
	for _, e := range effects {
		if _, ok := e.(SaveAnswer); ok {
			return true
		}
	}
	return false
}

// cursorOpen is the task and item index st's cursor points at, if open.
func (s *sim) cursorOpen(st State) (int, bool) {
	if st.Cursor == nil {
		return 0, false
	}
	// A completed task is a question only after /back reached it.
	t := s.task(st.Cursor.Task)
	if t == nil || t.Completed && s.backs == 0 {
		return 0, false
	}
	_, i, ok := t.Questionnaire.Item(st.Cursor.Item)
	if !ok || !t.Questionnaire.Visible(i, current(t)) {
		return 0, false
	}
	return i, true
}

func (s *sim) checkReplies(replies []Reply) {
	for _, r := range replies {
		switch r.Kind {
		case ReplyNotice:
			if utf8.RuneCountInString(r.Text) > 200 {
				s.fail("notice longer than 200 characters: %q", r.Text)
			}
		case ReplyEditPrompt:
			if !s.prompted {
				s.fail("EditPrompt with no prompt sent before")
			}
			if r.Buttons != nil {
				s.fail("EditPrompt with buttons")
			}
		case ReplySend:
			if r.Prompt {
				s.prompted = true
			}
		default:
			s.fail("reply of unknown kind %q", r.Kind)
		}
		if strings.TrimSpace(r.Text) == "" || utf8.RuneCountInString(r.Text) > 4096 {
			s.fail("reply text empty or too long: %q", r.Text)
		}
		for _, row := range r.Buttons {
			for _, b := range row {
				if b.Text == "" || b.Data == "" || len(b.Data) > 64 {
					s.fail("bad button %+v", b)
				}
			}
		}
	}
}

// apply stores one effect as the adapter would, checking the engine's
// guarantees about answers and completion.
func (s *sim) apply(e Effect) {
	s.stored++
	switch e := e.(type) {
	case LinkChat:
		s.links++
		for _, inv := range s.invites {
			if inv.p.ID == e.ParticipantID {
				inv.used = "here"
				p := inv.p
				s.p = &p
			}
		}
	case RecordConsent:
		s.consents = append(s.consents, e)
		if e.Agreed {
			s.p.ConsentVersion, s.p.ConsentDeclined, s.p.Status = e.Version, false, questionnaires.StatusActive
		} else {
			s.p.ConsentDeclined = true
		}
	case SetLanguage:
		s.langs = append(s.langs, e.Lang)
		s.p.Lang = e.Lang
	case StartTask:
		t := s.task(e.Key)
		if t == nil || t.Completed {
			s.fail("StartTask of a task that is not open: %+v", e.Key)
		}
		if e.Version != t.Questionnaire.Version {
			s.fail("StartTask version %q, want %q", e.Version, t.Questionnaire.Version)
		}
		s.started[e.Key] = true
	case SaveAnswer:
		s.save(e)
	case CompleteTask:
		t := s.task(e.Key)
		if t == nil || t.Completed {
			s.fail("CompleteTask of a task that is not open: %+v", e.Key)
			return
		}
		q := t.Questionnaire
		vals := current(t)
		for i, it := range q.Items {
			if !q.Visible(i, vals) {
				continue
			}
			v, answered := t.Answers[it.ID]
			if !answered || v == nil && !it.Optional {
				s.fail("CompleteTask %s with visible item %s unanswered", e.Key.Questionnaire, it.ID)
			}
		}
		t.Completed = true
		s.completed[e.Key] = true
	case Withdraw:
		s.withdrawn = append(s.withdrawn, e)
		s.p.Status = questionnaires.StatusWithdrawn
		if e.Erase {
			for i := range s.self {
				s.self[i].Answers = map[string]*string{}
			}
			s.p = nil
		}
	case Audit:
		s.audits = append(s.audits, e)
	default:
		s.fail("unknown effect %T", e)
	}
}

func (s *sim) save(e SaveAnswer) {
	t := s.task(e.Key)
	if t == nil || t.Completed && s.backs == 0 {
		s.fail("SaveAnswer to a task that is not open: %+v", e.Key)
		return
	}
	if len(t.Answers) == 0 && !s.started[e.Key] {
		s.fail("SaveAnswer before StartTask: %+v", e.Key)
	}
	if e.UpdateID != s.update {
		s.fail("SaveAnswer carries update %d, want %d", e.UpdateID, s.update)
	}
	q := t.Questionnaire
	it, i, ok := q.Item(e.Item)
	if !ok {
		s.fail("SaveAnswer for unknown item %s", e.Item)
		return
	}
	if !q.Visible(i, current(t)) {
		s.fail("SaveAnswer for invisible item %s", e.Item)
	}
	if e.Value == nil && !it.Optional {
		s.fail("required item %s skipped", e.Item)
	}
	if e.Value != nil {
		if v, err := it.Validate(*e.Value); err != nil || v != *e.Value {
			s.fail("SaveAnswer %s = %q is not a valid stored value", e.Item, *e.Value)
		}
	}
	key := fmt.Sprintf("%d/%s/%s/%s", e.Key.SubjectID, e.Key.Questionnaire, e.Key.Timepoint, e.Item)
	if _, answered := t.Answers[e.Item]; answered {
		if at, ok := s.savedAt[key]; ok && at >= s.backs {
			s.fail("item %s answered again without /back", e.Item)
		}
	}
	s.savedAt[key] = s.backs
	t.Answers[e.Item] = e.Value
}

func (s *sim) fail(format string, args ...any) {
	s.tb.Helper()
	var events []string
	for _, ev := range s.history {
		events = append(events, fmt.Sprintf("%+v", ev))
	}
	s.tb.Fatalf("%s\nafter events:\n  %s", fmt.Sprintf(format, args...), strings.Join(events, "\n  "))
}
