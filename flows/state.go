package flows

// State is the conversation state of one chat, persisted as JSON by the
// adapter (conversations.state). It stays small: everything else is
// recomputed from Env on every step.
type State struct {
	Phase Phase  `json:"phase,omitempty"`
	Lang  string `json:"lang,omitempty"` // chosen language, "" = participant default
	// Seq increments with every prompt sent (questions, consent, menus);
	// answer and skip buttons carry it, so a tap on an earlier message is
	// recognised as stale.
	Seq    int64   `json:"seq,omitempty"`
	Cursor *Cursor `json:"cursor,omitempty"` // the item being asked
	Rating *int64  `json:"rating,omitempty"` // clinician: subject id of the consumer being rated
}

// Cursor is the item being asked.
type Cursor struct {
	Task TaskKey `json:"task"`
	Item string  `json:"item"`
}

// Phase is where the conversation stands.
type Phase string

// Phases.
const (
	PhaseNew             Phase = ""                 // nothing happened yet
	PhaseConsent         Phase = "consent"          // consent asked, not given
	PhaseWalking         Phase = "walking"          // a question is open (Cursor)
	PhaseIdle            Phase = "idle"             // nothing asked right now
	PhaseConfirmWithdraw Phase = "confirm_withdraw" // "Yes, withdraw" asked
	PhaseChooseErasure   Phase = "choose_erasure"   // withdrawn; keep or erase asked
	PhaseWithdrawn       Phase = "withdrawn"        // final
	PhaseDeclined        Phase = "declined"         // consent declined; /start reconsiders
	PhaseLanguage        Phase = "language"         // language menu shown
)
