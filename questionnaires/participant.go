package questionnaires

// ParticipantStatus is where a participant stands in the study: the one
// definition the store, the chat engine, reminders and reports share (the
// participants table's CHECK lists the same values). It is an alias of
// string so that rows scan into it and fields of either type compare with
// the constants without conversion.
type ParticipantStatus = string

// Participant statuses.
const (
	// StatusInvited: invited; the invitation has not linked a chat yet.
	StatusInvited ParticipantStatus = "invited"
	// StatusActive: the chat is linked and the bot may write to it.
	StatusActive ParticipantStatus = "active"
	// StatusWithdrawn: withdrew; nothing more is asked or sent, for good.
	StatusWithdrawn ParticipantStatus = "withdrawn"
	// StatusUnreachable: Telegram refused their chat (they blocked the bot
	// or deleted their account); active again when they write to it.
	StatusUnreachable ParticipantStatus = "unreachable"
)
