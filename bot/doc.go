// Package bot is imrbot's Telegram adapter. It owns update intake (long
// polling and our own webhook handler) and hands each update, read into
// a conversation.Update, to the conversation that applies it, one chat's
// updates in order; it renders the replies as Telegram messages and
// keyboards, and owns the one rate-limited Sender through which every
// outgoing message goes, reminders included. Telegram types appear in this
// package and nowhere else; the store is used here only for what is
// Telegram's (questions' message ids, whether a chat can be reached).
package bot
