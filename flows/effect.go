package flows

// Effect is something to store, applied by the adapter in the same
// transaction that saves the new State. The concrete types below are
// values; switch on them with a type switch.
type Effect interface{ effect() }

// LinkChat redeems the invitation and links this chat to the participant.
type LinkChat struct{ ParticipantID int64 }

// RecordConsent stores a consent decision for the protocol's consent version.
type RecordConsent struct {
	Version string
	Agreed  bool
}

// SetLanguage stores the participant's language ("en" | "nb").
type SetLanguage struct{ Lang string }

// StartTask marks the assessment in progress (started_at) and records the
// questionnaire version. Idempotent for the adapter: it is emitted when a
// task's first question is asked and the task has no answers yet.
type StartTask struct {
	Key     TaskKey
	Version string
}

// SaveAnswer appends an answer row; the latest row is the current value.
// A nil Value is a skip (only ever for an optional item).
type SaveAnswer struct {
	Key      TaskKey
	Item     string
	Value    *string
	UpdateID int64
}

// CompleteTask marks the assessment completed.
type CompleteTask struct{ Key TaskKey }

// Withdraw sets the participant's status to withdrawn and cancels their
// reminders. The engine emits Withdraw{Erase:false} when withdrawal is
// confirmed and a second Withdraw, Erase as chosen, when the person answers
// the keep-or-erase question; the adapter keeps the chat linked until that
// second one (the question is answered from the chat), which deletes the
// link, and with Erase the answers too.
type Withdraw struct{ Erase bool }

// Audit appends to the audit log. The engine audits only what has no
// effect of its own (a changed answer); the adapter audits LinkChat,
// RecordConsent and Withdraw when it applies them.
type Audit struct {
	Action string
	Detail map[string]any
}

func (LinkChat) effect()      {}
func (RecordConsent) effect() {}
func (SetLanguage) effect()   {}
func (StartTask) effect()     {}
func (SaveAnswer) effect()    {}
func (CompleteTask) effect()  {}
func (Withdraw) effect()      {}
func (Audit) effect()         {}
