package flows

import "github.com/imrbot/imrbot/questionnaires"

// coordinatorMessages are the replies to coordinators' chat commands (/due,
// /remind, /status, /desk), which package conversation answers with Say.
var coordinatorMessages = map[MsgID]questionnaires.Text{
	MsgCoordinatorCommandsOnly: {
		"en": "Only study coordinators can use /due, /remind, /status and /desk.",
		"nb": "Bare studiekoordinatorer kan bruke /due, /remind, /status og /desk.",
	},
	MsgCoordinatorUnknownCommand: {"en": "Unknown command.", "nb": "Ukjent kommando."},

	// /due.
	MsgNoFollowUps: {
		"en": "No follow-ups are open or overdue.",
		"nb": "Ingen oppfølginger er åpne eller forsinket.",
	},
	MsgFollowUps: {"en": "Open and overdue follow-ups:", "nb": "Åpne og forsinkede oppfølginger:"},
	MsgFollowUp: {
		"en": "%s %s due %s %s; reminded: %s",
		"nb": "%s %s frist %s %s; påminnet: %s",
	},
	MsgNoneReminded:        {"en": "not yet", "nb": "ikke ennå"},
	MsgRemindedOpen:        {"en": "when the window opened", "nb": "da vinduet åpnet"},
	MsgRemindedDue:         {"en": "on the due date", "nb": "på fristen"},
	MsgRemindedAfterDue:    {"en": "%d days after the due date", "nb": "%d dager etter fristen"},
	MsgRemindedManual:      {"en": "by a coordinator", "nb": "av en koordinator"},
	MsgFollowUpOpen:        {"en": "open", "nb": "åpen"},
	MsgFollowUpOverdue:     {"en": "overdue", "nb": "forsinket"},
	MsgFollowUpUnreachable: {"en": "unreachable", "nb": "kan ikke nås"},

	// /remind.
	MsgRemindUsage: {
		"en": "Use /remind CODE for one participant, or /remind due for everyone open or overdue.",
		"nb": "Bruk /remind KODE for én deltaker, eller /remind due for alle som har åpne eller forsinkede skjemaer.",
	},
	MsgRemindUnknown: {
		"en": "No participant %s at your sites.",
		"nb": "Ingen deltaker %s ved dine steder.",
	},
	MsgRemindWithdrawn: {
		"en": "%s has withdrawn; no reminder sent.",
		"nb": "%s har trukket seg; ingen påminnelse sendt.",
	},
	MsgRemindUnreachable: {
		"en": "%s cannot be reached in the chat; no reminder sent.",
		"nb": "%s kan ikke nås i chatten; ingen påminnelse sendt.",
	},
	MsgRemindNothingDue: {
		"en": "%s has nothing open to answer; no reminder sent.",
		"nb": "%s har ingenting åpent å svare på; ingen påminnelse sendt.",
	},
	MsgRemindSending: {
		"en": "Sending %d reminder(s) to %s now.",
		"nb": "Sender %d påminnelse(r) til %s nå.",
	},
	MsgRemindDueNobody: {
		"en": "Nobody who can be reached has an open or overdue follow-up.",
		"nb": "Ingen som kan nås har åpne eller forsinkede oppfølginger.",
	},
	MsgRemindDuePreview: {
		"en": "This sends %d reminder(s): %s. Send /remind due %s to confirm.",
		"nb": "Dette sender %d påminnelse(r): %s. Send /remind due %s for å bekrefte.",
	},
	MsgRemindDueSending: {
		"en": "Sending %d reminder(s) now, within Telegram's rate limits.",
		"nb": "Sender %d påminnelse(r) nå, innenfor Telegrams grenser.",
	},

	// /status.
	MsgNoBaselines: {
		"en": "No participants with a baseline date yet.",
		"nb": "Ingen deltakere med oppstartsdato ennå.",
	},
	MsgFlow: {
		"en": "Participants per site, by how far they came:",
		"nb": "Deltakere per sted, etter hvor langt de har kommet:",
	},
	MsgFlowRow: {
		"en": "%s %s: %d invited, %d linked, %d consented, %d declined, %d withdrawn",
		"nb": "%s %s: %d invitert, %d koblet til, %d samtykket, %d takket nei, %d trukket seg",
	},
	MsgFlowDone:       {"en": "; %s done %d", "nb": "; %s fullført %d"},
	MsgFlowConsumers:  {"en": "consumers", "nb": "brukere"},
	MsgFlowClinicians: {"en": "clinicians", "nb": "behandlere"},
	MsgCompletion:     {"en": "Completion per site and timepoint:", "nb": "Fullført per sted og tidspunkt:"},
	MsgCompletionRow: {
		"en": "%s %s: %d/%d complete",
		"nb": "%s %s: %d/%d fullført",
	},
	MsgCompletionOpen: {
		"en": "(%d open, %d overdue, %d missed, %d not yet open)",
		"nb": "(%d åpen, %d forsinket, %d ikke besvart, %d ikke åpnet)",
	},

	// /desk.
	MsgDeskLink: {
		"en": "Your link to the desk, the study's web pages for coordinators. It logs you in once and works for 10 minutes: tap the button below, or send /desk again for a new one.",
		"nb": "Her er lenken din til koordinatorsidene, studiens nettsider for koordinatorer. Den logger deg inn én gang og virker i 10 minutter: trykk på knappen under, eller send /desk igjen for en ny.",
	},
	MsgDeskButton: {"en": "Log in to the desk", "nb": "Logg inn på koordinatorsidene"},
	MsgDeskUnavailable: {
		"en": "The desk is not available from here. Ask the study's administrator for a login link.",
		"nb": "Koordinatorsidene er ikke tilgjengelige herfra. Be studiens administrator om en innloggingslenke.",
	},
}

// Ids of the replies to coordinators' commands.
const (
	// MsgCoordinatorCommandsOnly refuses /due, /remind, /status and /desk
	// to anyone but an active coordinator.
	MsgCoordinatorCommandsOnly MsgID = "coordinator_commands_only"
	// MsgCoordinatorUnknownCommand answers a command it does not know.
	MsgCoordinatorUnknownCommand MsgID = "coordinator_unknown_command"
	// MsgNoFollowUps: /due found nothing.
	MsgNoFollowUps MsgID = "no_follow_ups"
	// MsgFollowUps heads /due's list.
	MsgFollowUps MsgID = "follow_ups"
	// MsgFollowUp is one line of /due: code, timepoint, due date, status
	// word, reminders sent.
	MsgFollowUp MsgID = "follow_up"
	// MsgNoneReminded: no reminder was sent about a follow-up yet.
	MsgNoneReminded MsgID = "none_reminded"
	// MsgRemindedOpen, MsgRemindedDue, MsgRemindedAfterDue (days) and
	// MsgRemindedManual say in /due when a reminder went.
	MsgRemindedOpen     MsgID = "reminded_open"
	MsgRemindedDue      MsgID = "reminded_due"
	MsgRemindedAfterDue MsgID = "reminded_after_due"
	MsgRemindedManual   MsgID = "reminded_manual"
	// MsgFollowUpOpen, MsgFollowUpOverdue and MsgFollowUpUnreachable name
	// a follow-up's status (reminders.StatusOpen and its siblings).
	MsgFollowUpOpen        MsgID = "follow_up_open"
	MsgFollowUpOverdue     MsgID = "follow_up_overdue"
	MsgFollowUpUnreachable MsgID = "follow_up_unreachable"
	// MsgRemindUsage explains /remind without an argument.
	MsgRemindUsage MsgID = "remind_usage"
	// MsgRemindUnknown, MsgRemindWithdrawn, MsgRemindUnreachable and
	// MsgRemindNothingDue say why /remind CODE sent nothing.
	MsgRemindUnknown     MsgID = "remind_unknown"
	MsgRemindWithdrawn   MsgID = "remind_withdrawn"
	MsgRemindUnreachable MsgID = "remind_unreachable"
	MsgRemindNothingDue  MsgID = "remind_nothing_due"
	// MsgRemindSending confirms /remind CODE: how many, to whom.
	MsgRemindSending MsgID = "remind_sending"
	// MsgRemindDueNobody: /remind due has no one to remind.
	MsgRemindDueNobody MsgID = "remind_due_nobody"
	// MsgRemindDuePreview asks to confirm /remind due: how many, to whom,
	// the confirming word.
	MsgRemindDuePreview MsgID = "remind_due_preview"
	// MsgRemindDueSending confirms /remind due.
	MsgRemindDueSending MsgID = "remind_due_sending"
	// MsgNoBaselines: /status has no one to count.
	MsgNoBaselines MsgID = "no_baselines"
	// MsgFlow heads /status's count of participants by how far they came;
	// MsgFlowRow is one site and role (consumers, clinicians) of it:
	// invited, linked, consented, declined, withdrawn; MsgFlowDone follows
	// it per timepoint: its id and how many completed their own part.
	MsgFlow           MsgID = "flow"
	MsgFlowRow        MsgID = "flow_row"
	MsgFlowDone       MsgID = "flow_done"
	MsgFlowConsumers  MsgID = "flow_consumers"
	MsgFlowClinicians MsgID = "flow_clinicians"
	// MsgCompletion heads /status's table.
	MsgCompletion MsgID = "completion"
	// MsgCompletionRow is one row of /status: site, timepoint, complete,
	// total.
	MsgCompletionRow MsgID = "completion_row"
	// MsgCompletionOpen follows a row that is not all complete: open,
	// overdue, missed, not yet open.
	MsgCompletionOpen MsgID = "completion_open"
	// MsgDeskLink comes with /desk's login link, on the button
	// MsgDeskButton names.
	MsgDeskLink   MsgID = "desk_link"
	MsgDeskButton MsgID = "desk_button"
	// MsgDeskUnavailable answers /desk where no desk is served (the bot
	// runs without one).
	MsgDeskUnavailable MsgID = "desk_unavailable"
)
