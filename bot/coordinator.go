package bot

import "context"

// CoordinatorCommands answers a coordinator's /due, /remind and /status.
// The reminders package implements it; the bot only routes the commands,
// after the update that carried them has been recorded, and sends the
// reply. Its types are plain so that the implementer needs nothing of bot
// or flows.
type CoordinatorCommands interface {
	// Handle runs command ("due", "remind" or "status", with its argument,
	// e.g. "OSL-C-0001" or "due" for /remind) for the coordinator with
	// participant id coordinatorID, and returns the reply as plain text in
	// lang ("en" or "nb"). The bot escapes it and splits it to fit.
	Handle(ctx context.Context, coordinatorID int64, lang, command, arg string) (reply string, err error)
}
