package flows

// Reply is something to show the participant, channel-neutral. Text is
// plain text: the adapter escapes it for whatever parse mode it uses.
type Reply struct {
	Kind    ReplyKind
	Text    string
	Buttons [][]Button // inline keyboard rows; nil = none
	// Prompt marks a Send as the current question (or menu): the adapter
	// records its message id so that a later ReplyEditPrompt can edit it.
	Prompt bool
}

// ReplyKind says how a Reply is shown.
type ReplyKind string

// Reply kinds.
const (
	// ReplySend is a new message.
	ReplySend ReplyKind = "send"
	// ReplyEditPrompt edits the last prompt message to Text and removes
	// its keyboard ("3/15 Question...\n✓ 2 - Sometimes").
	ReplyEditPrompt ReplyKind = "edit_prompt"
	// ReplyNotice is the text of the answer to a button tap (callback
	// notice, at most 200 characters). The adapter answers every callback
	// query; a Notice only supplies its text.
	ReplyNotice ReplyKind = "notice"
)

// Button is an inline keyboard button: a tap sends Data (at most 64
// bytes) back as a button event, or, when URL is set, opens URL instead
// and sends nothing (a link button, such as /desk's login link).
type Button struct {
	Text string
	Data string
	URL  string
}
