package bot

// The few things the adapter says itself; everything about the
// conversation is worded in flows/messages.go.
const (
	msgLate = iota
	msgTryAgain
	msgCoordinatorUnavailable
)

var messages = map[int]map[string]string{
	msgLate: {
		"en": "That message arrived after a newer one and was not used. Please answer the latest question.",
		"nb": "Den meldingen kom fram etter en nyere og ble ikke brukt. Svar på det siste spørsmålet.",
	},
	msgTryAgain: {
		"en": "Sorry, something went wrong on our side and your message was not saved. Please send it again in a minute.",
		"nb": "Beklager, noe gikk galt hos oss, og meldingen ble ikke lagret. Send den igjen om et minutt.",
	},
	msgCoordinatorUnavailable: {
		"en": "This command is not available right now. Please try again later.",
		"nb": "Denne kommandoen er ikke tilgjengelig nå. Prøv igjen senere.",
	},
}

// text is message id in lang, English when lang has none.
func text(lang string, id int) string {
	if s, ok := messages[id][lang]; ok {
		return s
	}
	return messages[id]["en"]
}
