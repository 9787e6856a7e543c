// Package conversation applies what people do in the chat. Applying one
// update is one transaction: record its update id (a duplicate stops
// there), lock the chat's conversation row (so several processes and
// goroutines apply one chat's updates one at a time, in order), load what
// the engine needs, call flows.Step, store the effects and the new state,
// and commit. Only then are the replies handed back, for the adapter to
// send. Answers of different chats may share a transaction (group.go).
// Coordinators' commands (/due, /remind, /status) are answered here too,
// after the update that carried them has committed.
//
// The package knows no Telegram: package bot reads updates into Update and
// renders an Outcome's replies as messages.
package conversation
