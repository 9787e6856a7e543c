package conversation

import (
	"time"

	"github.com/imrbot/imrbot/flows"
)

// Update is one thing a person did in the chat, as the adapter read it.
type Update struct {
	ID        int64     // the update id, unique per bot: de-duplication
	ChatID    int64     // where replies go
	UserID    int64     // who did it
	UserLang  string    // their app's language code
	MessageAt time.Time // the message's date; zero for a button tap
	Event     flows.Event
}

// Outcome is what applying an update leaves to do once it has committed.
type Outcome struct {
	// Kind says what became of the update, for metrics: applied,
	// duplicate, stale or stranger.
	Kind          string
	ParticipantID int64 // 0: the chat is linked to no one
	Lang          string
	// PromptMessageID is the message asking the chat's current question,
	// as the update read it; a question sent since supersedes it.
	PromptMessageID int64
	Replies         []flows.Reply
	Answers         int // answer rows stored
	// Command is a coordinator's command, for RunCommand after the commit;
	// nil for everything else.
	Command *Command
}

// Command is a coordinator's command and its argument ("remind",
// "OSL-C-0001").
type Command struct{ Name, Arg string }
