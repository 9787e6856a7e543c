package flows

import (
	"strings"
	"time"

	"github.com/imrbot/imrbot/questionnaires"
)

// Message is a message the bot sends on its own, outside a conversation's
// step (a reminder, a notice to coordinators): plain text in the
// recipient's language, with at most one action offered as a button.
// Whoever sends it renders the action with Action.Buttons.
type Message struct {
	Lang   string
	Text   string
	Action Action
}

// Action is what the button of a Message does, named by its purpose; the
// zero Action offers no button.
type Action struct {
	kind actionKind
	code string // RateConsumer: the consumer's participant code
}

type actionKind int

const (
	actionNone actionKind = iota
	actionStartDue
	actionRateConsumer
)

// StartDue starts (or continues) the questionnaires that are due: the
// action of a respondent's reminder.
func StartDue() Action { return Action{kind: actionStartDue} }

// RateConsumer starts rating the consumer whose participant code is code:
// the action of a clinician's rating reminder.
func RateConsumer(code string) Action { return Action{kind: actionRateConsumer, code: code} }

// Buttons is the action as an inline keyboard in lang: one button,
// labelled from the catalogue, whose data Step reads back as the same
// action; nil for no action, or for a code too long for a button's data.
func (a Action) Buttons(lang string) [][]Button {
	var b Button
	switch a.kind {
	case actionStartDue:
		b = Button{Text: Say(lang, msgStartButton), Data: questionnaires.CallbackStart}
	case actionRateConsumer:
		data, ok := questionnaires.RateCallbackData(a.code)
		if !ok {
			return nil
		}
		b = Button{Text: Say(lang, msgRateButton, a.code), Data: data}
	default:
		return nil
	}
	return [][]Button{{b}}
}

// Reminder reminds a respondent of their own questionnaires at the
// timepoint labelled label, open until closes; first is the first notice
// of the timepoint (the window opening, or the one notice standing for
// steps already past), which is not called a reminder. Its button starts
// them.
func Reminder(lang, label string, first bool, closes time.Time) Message {
	id := msgReminder
	if first {
		id = msgReminderOpening
	}
	return Message{Lang: lang, Action: StartDue(),
		Text: Say(lang, id, label, LongDate(lang, closes), Say(lang, msgStartButton))}
}

// RatingReminder reminds a clinician of their ratings of consumer at the
// timepoint labelled label, open until closes; first, as for Reminder, is
// the first notice and not called a reminder. Its button starts them.
func RatingReminder(lang, label, consumer string, first bool, closes time.Time) Message {
	id := msgRatingReminder
	if first {
		id = msgRatingOpening
	}
	return Message{Lang: lang, Action: RateConsumer(consumer),
		Text: Say(lang, id, label, consumer, LongDate(lang, closes))}
}

// Escalation tells a coordinator what subject still misses at the
// timepoint labelled label, due on due: their own questionnaires (self)
// and their clinician's ratings of them (ratings, by clinician; "" when
// they have none).
func Escalation(lang, label, subject string, due time.Time, self, ratings []string, clinician string) Message {
	var parts []string
	if len(self) > 0 {
		parts = append(parts, subject+": "+strings.Join(self, ", "))
	}
	if len(ratings) > 0 {
		if clinician == "" {
			clinician = "?"
		}
		parts = append(parts, Say(lang, msgEscalationRatings, subject, clinician, strings.Join(ratings, ", ")))
	}
	return Message{Lang: lang,
		Text: Say(lang, msgEscalation, label, due.Format(time.DateOnly), strings.Join(parts, "; "))}
}

// UnreachableNotice tells a coordinator that the participant subject can
// no longer be reached.
func UnreachableNotice(lang, subject string) Message {
	return Message{Lang: lang, Text: Say(lang, msgUnreachableNotice, subject)}
}

// LongDate is a civil date as the recipient's language writes it.
func LongDate(lang string, d time.Time) string {
	return d.Format(Say(lang, msgLongDateLayout))
}

// reminderMessages are the texts of reminders and of the notices that
// reminders send to coordinators.
var reminderMessages = map[MsgID]questionnaires.Text{
	msgReminderOpening: {
		"en": "Now open (%s): your questionnaires are ready for you until %s. Tap %s when you have a moment.",
		"nb": "Nå åpen (%s): spørreskjemaene er klare for deg fram til %s. Trykk %s når det passer.",
	},
	msgReminder: {
		"en": "Reminder (%s): your questionnaires are waiting for you until %s. Tap %s to answer.",
		"nb": "Påminnelse (%s): spørreskjemaene venter på deg fram til %s. Trykk %s for å svare.",
	},
	msgStartButton: {"en": "Start", "nb": "Begynn"},
	msgRatingReminder: {
		"en": "Reminder (%s): your ratings of %s are waiting until %s.",
		"nb": "Påminnelse (%s): vurderingene dine av %s venter fram til %s.",
	},
	msgRatingOpening: {
		"en": "Now open (%s): your ratings of %s are ready for you until %s.",
		"nb": "Nå åpen (%s): vurderingene dine av %s er klare for deg fram til %s.",
	},
	msgRateButton: {"en": "Rate %s", "nb": "Vurder %s"},
	msgEscalation: {
		"en": "Still missing 21 days after the due date (%s, due %s): %s.",
		"nb": "Mangler fortsatt, 21 dager etter fristen (%s, frist %s): %s.",
	},
	msgEscalationRatings: {
		"en": "ratings of %s by %s: %s",
		"nb": "vurderinger av %s fra %s: %s",
	},
	msgUnreachableNotice: {
		"en": "%s can no longer be reached on Telegram (they blocked the bot or deleted their account). Reminders to them have stopped.",
		"nb": "%s kan ikke lenger nås på Telegram (har blokkert boten eller slettet kontoen). Påminnelser til dem er stanset.",
	},
	// A layout of Go's time package, not a text with verbs.
	msgLongDateLayout: {"en": "2 January 2006", "nb": "02.01.2006"},
}

// Ids of the reminders' texts.
const (
	msgReminderOpening   MsgID = "reminder_opening"
	msgReminder          MsgID = "reminder"
	msgStartButton       MsgID = "start_button"
	msgRatingReminder    MsgID = "rating_reminder"
	msgRatingOpening     MsgID = "rating_opening"
	msgRateButton        MsgID = "rate_button"
	msgEscalation        MsgID = "escalation"
	msgEscalationRatings MsgID = "escalation_ratings"
	msgUnreachableNotice MsgID = "unreachable_notice"
	msgLongDateLayout    MsgID = "long_date_layout"
)
