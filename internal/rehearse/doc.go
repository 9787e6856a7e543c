// Package rehearse is a study team's dry run: it enrols a simulated
// cohort (sites, a coordinator per site, clinicians, consumers each with a
// clinician, assessors) in a database of its own and walks it through the
// protocol's months with the real bot (conversation, bot and the go-telegram/bot
// client) against the in-process fake Telegram. An injected clock jumps
// from one scheduled reminder to the next, ticking the real reminders
// dispatcher at each jump; simulated people enrol through their invite
// links, consent, answer what the bot asks (most on time, some after a
// reminder, some never; one withdraws in the chat), clinicians rate their
// consumers through /rate, and assessors (external fidelity raters) rate
// every site and every clinician through /rate, or, in a rehearsal
// without assessors, coordinators rate their site. What they did
// is returned, so that a test can hold the exports against it, and the
// reminders log shows the reminder plan as it ran.
//
// Everything is decided by the seed: the same seed gives the same people,
// the same answers and the same reminders.
package rehearse
