// Package flows owns the conversation and what the bot says: a pure state
// machine that turns an incoming event and the chat's state into a new
// state, replies to show and effects to store, and the one catalogue of
// every text the bot says, in every language the study speaks. It knows
// nothing of Telegram, SQL or clocks.
//
// # The step
//
//	func Step(env Env, st State, ev Event) (State, []Reply, []Effect)
//
// Step is pure and total: it never panics, reads no clock (Env.Now is the
// update's time, passed in) and does no I/O. The use-case layer
// (conversation/) loads Env and State inside the transaction that holds
// the chat's row lock, calls Step, applies the Effects and saves the State
// in that same transaction, commits, and the Telegram adapter (bot/) then
// renders the Replies: a Send is a new message, an EditPrompt rewrites the
// question just answered without its keyboard, a Notice is the text of the
// answer to a button tap. Texts in replies are plain; the adapter escapes
// them for its parse mode.
//
// Coordinators' commands (/due, /remind, /status) never reach Step: the
// use-case layer runs them itself, with the catalogue's texts. Step
// answers any other command it does not know with a short help.
//
// What the caller must know beyond the types' own comments:
//
//   - Env.Participant.Lang is never "": the caller fills it with Language
//     (the coordinator's choice at invitation, else the Telegram app's).
//   - Env.Tasks are what the participant should answer now, in battery
//     order, computed by the caller from the protocol's windows and the
//     stored assessments. Before consent they are the tasks consent would
//     open, so the first question can follow the consent reply in the same
//     step.
//   - Starting a rating (the rate button, /rate CODE) happens while
//     Env.Tasks still hold the clinician's previous context: the engine
//     takes the consumer's tasks from Ratee.Tasks; without them it asks for
//     /resume.
//   - StartTask may repeat for a task that has no answers (resuming a
//     questionnaire not begun): apply it idempotently.
//   - Withdraw comes twice: {Erase:false} when withdrawal is confirmed
//     (status withdrawn, reminders stopped at once, as the contract says),
//     then {Erase:false} or {Erase:true} for the keep-or-erase choice.
//   - Step returns the State it was given, unchanged, and no effects for a
//     stale or foreign button and for anything from an unlinked chat; the
//     caller need not store a conversation row for a stranger.
//   - Every event gets at least one reply; a successful tap may get no
//     Notice (answer the callback query with no text).
//   - A declined participant reconsiders by sending /start: the consent
//     question comes again.
//
// The engine guarantees, and its fuzz and simulation tests check: never
// two current answers for one item (answers are appended, the latest is
// current), never a required item skipped, never an answer to an item
// whose show_if is false, no effects for a stale button (its seq is not
// State.Seq, so a second tap of a button is stale too), and invalid input
// re-asks the question with no effects.
//
// # Buttons
//
// A Button's data is made and read with the functions of
// questionnaires/callback.go, the one definition of the format (answer
// buttons "a:<seq>:<code>", skip "s:<seq>", language "l:<lang>", rate
// "r:<code>", consent, withdrawal and the reminder's "go"); every value
// fits Telegram's 64 bytes. The contract's button texts (the consent's
// "I agree", "Yes, withdraw", "Keep my answers", "Erase my answers", and
// their bokmål) are checked by TestContractButtons.
//
// # The catalogue
//
// Every text has a MsgID and a text per language (messages.go gathers
// messages_chat.go, messages_reminders.go and messages_coordinator.go);
// TestMessagesComplete checks each id has every language with the same
// fmt verbs. Step says its texts in the chat's language; other packages
// say theirs with Say, or build a Message (a reminder, a notice to
// coordinators) with Reminder, RatingReminder, Escalation or
// UnreachableNotice. A Message's Action is what its button does, named by
// purpose; the sender renders it with Action.Buttons, labelled in the
// recipient's language, so that reminders never build buttons themselves.
package flows
