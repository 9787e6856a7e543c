// Package reminders owns the follow-up schedule and its delivery: due dates
// and windows from each participant's baseline date, the reminder policy
// (window open, due date, +7 and +14 days, escalation to coordinators at +21
// days, send hours, collapsing of steps already past), the dispatcher that
// sends every due reminder exactly once however many serve processes run,
// manual reminders, and the coordinators' commands (/due, /remind, /status
// and their command-line twins).
//
// The schedule (schedule.go, hours.go) is pure: dates and times in, planned
// steps out. The dispatcher keeps its state in PostgreSQL through store/ and
// talks to participants only through the Messenger interface, which the bot
// implements over its rate-limited sender.
package reminders
