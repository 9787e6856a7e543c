package flows

import (
	"time"

	"github.com/imrbot/imrbot/questionnaires"
)

// Env is what the adapter knows about the chat when an update arrives,
// loaded inside the transaction that holds the chat's row lock. Step reads
// it and never changes it.
type Env struct {
	Catalog     *questionnaires.Catalog
	Now         time.Time    // the update's processing time, passed in
	Participant *Participant // nil: chat not linked to anyone
	// Tasks is what the participant should answer now, in battery order:
	// their own tasks, or, for a clinician with State.Rating set, that
	// consumer's rating tasks. For a consumer or clinician who has not
	// consented yet, Tasks are what would be open if they consented at Now:
	// the engine shows the first question right after RecordConsent.
	Tasks  []Task
	Ratees []Ratee // clinicians: their consumers (Open 0: nothing to rate now)
	Invite *Invite // only for a /start CODE event: the adapter's lookup of CODE
}

// Participant is the person the chat is linked to.
type Participant struct {
	ID              int64
	Code            string
	Role            questionnaires.Role
	Site            string
	Lang            string // "en" | "nb"
	Status          questionnaires.ParticipantStatus
	ConsentVersion  string // version agreed to, "" if none
	ConsentDeclined bool
}

// Task is one assessment to answer.
type Task struct {
	Key           TaskKey
	Questionnaire *questionnaires.Questionnaire
	// Answers maps item id to its current raw value; a nil value is a skip,
	// an absent key an unanswered item. A completed task's answers are
	// read only when /back reaches it from the next questionnaire.
	Answers   map[string]*string
	Completed bool
}

// TaskKey names an assessment: whose, which questionnaire, which timepoint.
type TaskKey struct {
	SubjectID     int64  `json:"subject_id"`
	SubjectCode   string `json:"subject_code"`
	Questionnaire string `json:"questionnaire"`
	Timepoint     string `json:"timepoint"`
}

// Ratee is a consumer a clinician rates.
type Ratee struct {
	ParticipantID int64
	Code          string
	Open          int // unfinished rating tasks
	// Tasks, when the adapter fills it, are this consumer's open rating
	// tasks (as Env.Tasks would be with State.Rating set to ParticipantID).
	// It lets a rating start with its first question in the same step as
	// the tap on "r:<code>"; without it the engine asks for /resume.
	Tasks []Task
}

// Invite is the adapter's lookup of the code in "/start CODE".
type Invite struct {
	Status        InviteStatus
	ParticipantID int64
	Code          string // the participant's code (not the invite code)
	Role          questionnaires.Role
	Lang          string
}

// InviteStatus is the outcome of looking up an invitation code.
type InviteStatus string

// Invite lookup outcomes.
const (
	InviteValid         InviteStatus = "valid"          // not redeemed, not expired
	InviteUnknown       InviteStatus = "unknown"        // no such code
	InviteExpired       InviteStatus = "expired"        // past its expiry, not redeemed
	InviteUsedHere      InviteStatus = "used_here"      // redeemed by this chat
	InviteUsedElsewhere InviteStatus = "used_elsewhere" // redeemed by another chat
)
