// Package bot is imrbot's Telegram adapter. It owns update intake (long
// polling and our own webhook handler), applying each update exactly once
// and in order per chat (Apply: one transaction holding the chat's row lock
// around flows.Step and the effects it asks for), rendering the engine's
// channel-neutral replies as Telegram messages and keyboards, and the one
// rate-limited Sender through which every outgoing message goes, reminders
// included. Telegram types appear in this package and nowhere else.
package bot
