package flows

// Event is one incoming update, channel-neutral.
type Event struct {
	Kind EventKind
	Text string // message text (EventText)
	// Command is the command name: lowercase, without the slash and
	// without "@botname" ("start", "back", "skip", "resume", "help",
	// "language", "withdraw", "rate", ...).
	Command  string
	Arg      string // the command's argument ("/start CODE", "/rate OSL-C-0001"), trimmed
	Data     string // button data (EventButton)
	UpdateID int64  // carried into SaveAnswer
}

// EventKind says what kind of update an Event is.
type EventKind string

// Event kinds.
const (
	EventText        EventKind = "text"        // a text message that is not a command
	EventCommand     EventKind = "command"     // a message starting with "/"
	EventButton      EventKind = "button"      // a tap on an inline button (callback query)
	EventUnsupported EventKind = "unsupported" // sticker, photo, voice, ...
	EventEdited      EventKind = "edited"      // an edited message: never an answer
)
