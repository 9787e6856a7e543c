// Package reminders owns the reminder policy and its delivery: the steps
// of each timepoint (window open, due date, +7 and +14 days, escalation to
// coordinators at +21 days), send hours, collapsing of steps already past,
// planning them when a schedule moves, the dispatcher that sends every due
// reminder exactly once however many serve processes run, manual
// reminders, and the follow-up and completion figures that the
// coordinators' commands (package conversation) and the CLI show.
//
// Dates come from the one calendar (questionnaires: a timepoint's window,
// today in a site's zone) and texts from flows' catalogue. The schedule
// (schedule.go, hours.go) is pure: dates and times in, planned steps out.
// The dispatcher keeps its state in PostgreSQL through store/ and talks to
// participants only through the Messenger interface, which the bot
// implements over its rate-limited sender.
package reminders
