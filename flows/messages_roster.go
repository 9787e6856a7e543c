package flows

import "github.com/imrbot/imrbot/questionnaires"

// rosterMessages are said when the study team changes who reaches whom:
// a reissued invitation that moves a participant's link to a new chat.
var rosterMessages = map[MsgID]questionnaires.Text{
	MsgLinkMoved: {
		"en": "Welcome back. Your participation continues in this chat; your earlier chat no longer has access.",
		"nb": "Velkommen tilbake. Deltakelsen din fortsetter i denne chatten; den tidligere chatten har ikke lenger tilgang.",
	},
}

// Ids of the texts said about the roster.
const (
	// MsgLinkMoved greets the new chat a reissued invitation linked, before
	// the conversation continues where it was.
	MsgLinkMoved MsgID = "link_moved"
)
