package flows

import (
	"fmt"

	"github.com/imrbot/imrbot/questionnaires"
)

// MsgID names a text the bot says; the exported ones are said by other
// packages through Say.
type MsgID string

// messages holds every text the bot says, in every language of
// questionnaires.Languages (a test checks), gathered from the files that
// hold them by subject: messages_chat.go (the conversation),
// messages_reminders.go, messages_coordinator.go, messages_study.go,
// messages_roster.go and messages_assessor.go. Texts are plain; the adapter escapes them. Arguments
// are filled in with fmt.
var messages = catalogue(aroundMessages, chatMessages, reminderMessages, coordinatorMessages, studyMessages, rosterMessages, assessorMessages)

// Say is the catalogue's text id in lang (English when the language is
// unknown), its arguments filled in: the texts the bot says outside a
// conversation's step.
func Say(lang string, id MsgID, args ...any) string { return render(lang, id, args...) }

func render(lang string, id MsgID, args ...any) string {
	text := messages[id].In(lang)
	if len(args) == 0 {
		return text
	}
	return fmt.Sprintf(text, args...)
}

// catalogue joins the texts of each subject into one map; TestMessagesComplete
// checks that no id is in two of them.
func catalogue(parts ...map[MsgID]questionnaires.Text) map[MsgID]questionnaires.Text {
	all := map[MsgID]questionnaires.Text{}
	for _, part := range parts {
		for id, text := range part {
			all[id] = text
		}
	}
	return all
}

// aroundMessages are said around the conversation: by the chat's adapter
// and use cases.
var aroundMessages = map[MsgID]questionnaires.Text{
	MsgLate: {
		"en": "That message arrived after a newer one and was not used. Please answer the latest question.",
		"nb": "Den meldingen kom fram etter en nyere og ble ikke brukt. Svar på det siste spørsmålet.",
	},
	MsgTryAgain: {
		"en": "Sorry, something went wrong on our side and your message was not saved. Please send it again in a minute.",
		"nb": "Beklager, noe gikk galt hos oss, og meldingen ble ikke lagret. Send den igjen om et minutt.",
	},
	MsgCommandUnavailable: {
		"en": "This command is not available right now. Please try again later.",
		"nb": "Denne kommandoen er ikke tilgjengelig nå. Prøv igjen senere.",
	},
}

// Ids of the texts said around the conversation.
const (
	// MsgLate answers a message that arrived after a newer one.
	MsgLate MsgID = "late"
	// MsgTryAgain tells someone their message could not be saved.
	MsgTryAgain MsgID = "try_again"
	// MsgCommandUnavailable answers a coordinator's command that failed.
	MsgCommandUnavailable MsgID = "command_unavailable"
)
