package questionnaires

import "time"

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

// Statuses the roster derives and never stores: where a participant stands
// for the study team, beside the four stored ones (see RosterStatus).
const (
	// StatusExpired: never linked a chat, and no invitation is open any more.
	StatusExpired ParticipantStatus = "expired"
	// StatusDeclined: their latest consent decision was a refusal.
	StatusDeclined ParticipantStatus = "declined"
)

// RosterStatuses are the statuses RosterStatus gives, in the order a
// participant usually passes through them.
var RosterStatuses = []ParticipantStatus{
	StatusInvited, StatusExpired, StatusDeclined, StatusActive, StatusUnreachable, StatusWithdrawn,
}

// RosterFacts are what the store knows about a participant that decides
// their roster status.
type RosterFacts struct {
	// Stored is the participants row's status.
	Stored ParticipantStatus
	// Linked: a chat is linked to them.
	Linked bool
	// InStudy: they have a baseline date (given at invitation, consent
	// taken on paper, or fixed by consenting in the chat).
	InStudy bool
	// Declined: their latest consent decision was a refusal.
	Declined bool
	// InviteOpenUntil is when the latest invitation neither redeemed nor
	// revoked expires; zero when there is none.
	InviteOpenUntil time.Time
}

// RosterStatus is where a participant stands for the study team at now:
// the one place that decides it, for `imrbot participants`. Withdrawal is
// final and a refusal outranks the rest; a linked chat is active unless
// Telegram refused it. Someone in the study with no chat (a paper consent,
// or a baseline given at invitation) is unreachable, as `due` lists them,
// even while their invitation is open; everyone else without a chat is
// invited until their invitation expires.
func RosterStatus(f RosterFacts, now time.Time) ParticipantStatus {
	switch {
	case f.Stored == StatusWithdrawn:
		return StatusWithdrawn
	case f.Declined:
		return StatusDeclined
	case f.Linked && f.Stored == StatusUnreachable:
		return StatusUnreachable
	case f.Linked:
		return StatusActive
	case f.InStudy:
		return StatusUnreachable
	case now.Before(f.InviteOpenUntil):
		return StatusInvited
	}
	return StatusExpired
}
