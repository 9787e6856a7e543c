// Package telegramfake is an in-process Telegram Bot API server for tests,
// benchmarks and the terminal demo.
//
// It owns the fake's whole world: the bot's identity, the simulated users and
// their private chats, the update queue (long polling with Telegram's offset
// semantics, or webhook delivery with retries), rate limits, and failure
// injection. The real github.com/go-telegram/bot client talks to it over HTTP
// through bot.WithServerURL(fake.URL), so the code under test is exactly the
// code that talks to Telegram.
//
// The fake is as strict as Telegram where a bot can get things wrong: text
// length (1 to 4096 UTF-16 code units after entity parsing), HTML, MarkdownV2
// and Markdown parse errors with Telegram's own descriptions, 1 to 64 bytes of
// callback data, "message is not modified", callback queries answered twice or
// too late, 429 with retry_after when the per-chat or global rate is exceeded,
// 403 when a user blocked the bot, 409 for competing pollers or polling while
// a webhook is set.
//
// Where Telegram is lenient in a way that hides bugs, the fake is stricter and
// says so: a bare '&' in HTML text (Telegram passes it through) is refused,
// because it means the bot forgot to escape user text; webhook URLs may be
// plain http so that tests need no certificates.
//
// The simulation side is [Server.NewUser] and the [User] methods: users send
// text, commands, stickers and photos, tap buttons (also stale ones), edit
// their messages, block the bot, and tests wait for the bot's answers with
// [User.WaitFor] and [User.WaitCount], which wake on change rather than poll.
// [Server.FailNext], [Server.LoseNextResponse], [Server.Duplicate],
// [Server.Hold] and [Server.Release] inject the failures Telegram produces in
// production: errors, lost responses, redelivered and reordered updates.
package telegramfake
