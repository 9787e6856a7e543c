// Package e2e is imrbot's own acceptance suite. It builds the imrbot
// binary, runs it as a separate process against a fresh PostgreSQL
// database and the project's fake Telegram Bot API server, and checks
// from the outside every part of the design marked "contract" (command
// line, configuration, the chat, reminders, export columns), as the
// study's acceptance tests will. It holds tests only.
package e2e
