package telegramfake

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

func TestGetMeAndWrongToken(t *testing.T) {
	s := newFake(t, WithUsername("study_bot"))
	ctx := testContext(t)
	b := newClient(t, s)
	me, err := b.GetMe(ctx)
	if err != nil {
		t.Fatalf("GetMe: %v", err)
	}
	if me.Username != "study_bot" || !me.IsBot || me.ID != b.ID() {
		t.Errorf("GetMe = %+v, want the bot study_bot with the token's id %d", me, b.ID())
	}

	_, err = bot.New("123:wrong", bot.WithServerURL(s.URL))
	if !errors.Is(err, bot.ErrorUnauthorized) {
		t.Errorf("bot.New with a wrong token: err = %v, want ErrorUnauthorized", err)
	}

	code, a := call(t, ctx, s.URL, "/bot"+s.Token+"/noSuchMethod", nil)
	if code != 404 || a.OK || a.Description != "Not Found" {
		t.Errorf("unknown method: %d %+v, want 404 Not Found", code, a)
	}
	// Method names are case-insensitive, as in Telegram.
	if _, a := call(t, ctx, s.URL, "/bot"+s.Token+"/GETME", nil); !a.OK {
		t.Errorf("GETME: %+v, want ok", a)
	}
}

func TestSendMessageHTML(t *testing.T) {
	s := newFake(t)
	ctx := testContext(t)
	b := newClient(t, s)
	u := startedUser(s, "Ada")

	m, err := b.SendMessage(ctx, &bot.SendMessageParams{
		ChatID: u.ChatID(), Text: "<b>Question 3/15</b>\nYou wrote: a &lt; b &amp;&amp; c", ParseMode: models.ParseModeHTML,
	})
	if err != nil {
		t.Fatalf("SendMessage: %v", err)
	}
	wantText := "Question 3/15\nYou wrote: a < b && c"
	if m.Text != wantText || len(m.Entities) != 1 || m.Entities[0].Type != models.MessageEntityTypeBold || m.Entities[0].Length != 13 {
		t.Errorf("sent %q %+v, want %q with one bold entity of 13", m.Text, m.Entities, wantText)
	}
	if got := u.Last(); got.ID != m.ID || got.Text != wantText || got.Entities[0].Type != "bold" {
		t.Errorf("user sees %+v, want message %d %q in bold", got, m.ID, wantText)
	}

	for _, tc := range []struct{ text, want string }{
		{"<b>unclosed", `Can't find end tag corresponding to start tag "b"`},
		{"a < b", `Unsupported start tag "" at byte offset 2`},
		{"line<br>break", `Unsupported start tag "br" at byte offset 4`},
		{"<b>x</i>", `Unmatched end tag at byte offset 4, expected "</b>", found "</i>"`},
		{"AT&T", `Character '&' at byte offset 2 must be escaped as "&amp;"`},
		{"<i>x", `Can't find end tag corresponding to start tag "i"`},
	} {
		_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.ChatID(), Text: tc.text, ParseMode: models.ParseModeHTML})
		if !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), "can't parse entities: "+tc.want) {
			t.Errorf("send %q: err = %v, want bad request %q", tc.text, err, tc.want)
		}
	}
	if n := len(u.Messages()); n != 1 {
		t.Errorf("user has %d messages, want only the valid one", n)
	}
}

func TestSendMessageMarkdownV2(t *testing.T) {
	s := newFake(t)
	ctx := testContext(t)
	b := newClient(t, s)
	u := startedUser(s, "Ada")

	m, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.ChatID(), Text: `*Item 1\.5* \(of 2\)`, ParseMode: models.ParseModeMarkdown})
	if err != nil {
		t.Fatalf("SendMessage: %v", err)
	}
	if m.Text != "Item 1.5 (of 2)" || len(m.Entities) != 1 || m.Entities[0].Type != models.MessageEntityTypeBold {
		t.Errorf("sent %q %+v, want bold %q", m.Text, m.Entities, "Item 1.5")
	}
	for _, tc := range []struct{ text, want string }{
		{"Version 1.0", `Character '.' is reserved and must be escaped with the preceding '\'`},
		{"*bold", "Can't find end of Bold entity at byte offset 0"},
		{"snake_case", "Can't find end of Italic entity at byte offset 5"},
	} {
		_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.ChatID(), Text: tc.text, ParseMode: models.ParseModeMarkdown})
		if !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("send %q: err = %v, want %q", tc.text, err, tc.want)
		}
	}
}

func TestTextLength(t *testing.T) {
	s := newFake(t, WithoutLimits())
	ctx := testContext(t)
	b := newClient(t, s)
	u := startedUser(s, "Ada")

	send := func(text string, mode models.ParseMode) error {
		_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.ChatID(), Text: text, ParseMode: mode})
		return err
	}
	if err := send(strings.Repeat("a", 4096), ""); err != nil {
		t.Errorf("4096 characters: %v", err)
	}
	if err := send(strings.Repeat("a", 4097), ""); !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), "message is too long") {
		t.Errorf("4097 characters: err = %v, want message is too long", err)
	}
	// The limit applies after entity parsing: markup does not count.
	if err := send("<b>"+strings.Repeat("&lt;", 4096)+"</b>", models.ParseModeHTML); err != nil {
		t.Errorf("4096 characters as HTML: %v", err)
	}
	// Characters outside the BMP count twice, as UTF-16 entity offsets do.
	if err := send(strings.Repeat("😀", 2049), ""); !errors.Is(err, bot.ErrorBadRequest) {
		t.Errorf("2049 emoji (4098 UTF-16 units): err = %v, want too long", err)
	}
	for _, text := range []string{"", "  \n ", "<b></b>"} {
		if err := send(text, models.ParseModeHTML); !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), "message text is empty") {
			t.Errorf("send %q: err = %v, want message text is empty", text, err)
		}
	}
}

func TestInlineKeyboardValidation(t *testing.T) {
	s := newFake(t, WithoutLimits())
	ctx := testContext(t)
	b := newClient(t, s)
	u := startedUser(s, "Ada")

	send := func(buttons ...models.InlineKeyboardButton) error {
		_, err := b.SendMessage(ctx, &bot.SendMessageParams{
			ChatID: u.ChatID(), Text: "Pick one",
			ReplyMarkup: models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{buttons}},
		})
		return err
	}
	if err := send(models.InlineKeyboardButton{Text: "1 - Never", CallbackData: strings.Repeat("x", 64)}); err != nil {
		t.Errorf("64-byte callback data: %v", err)
	}
	if err := send(models.InlineKeyboardButton{Text: "1", CallbackData: strings.Repeat("x", 65)}); !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), "BUTTON_DATA_INVALID") {
		t.Errorf("65-byte callback data: err = %v, want BUTTON_DATA_INVALID", err)
	}
	// Bytes, not characters: 22 three-byte characters are 66 bytes.
	if err := send(models.InlineKeyboardButton{Text: "1", CallbackData: strings.Repeat("€", 22)}); !errors.Is(err, bot.ErrorBadRequest) {
		t.Errorf("66-byte callback data: err = %v, want BUTTON_DATA_INVALID", err)
	}
	if err := send(models.InlineKeyboardButton{Text: "just text"}); !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), "text buttons are unallowed") {
		t.Errorf("button without action: err = %v, want text buttons are unallowed", err)
	}
	if err := send(models.InlineKeyboardButton{Text: "", CallbackData: "a"}); !errors.Is(err, bot.ErrorBadRequest) {
		t.Errorf("button without text: err = %v, want bad request", err)
	}
	last := u.Last()
	if b, ok := last.Button("1 - "); !ok || b.CallbackData != strings.Repeat("x", 64) {
		t.Errorf("user sees buttons %+v, want the 64-byte one", last.Buttons)
	}
}

func TestEditMessage(t *testing.T) {
	s := newFake(t, WithoutLimits())
	ctx := testContext(t)
	b := newClient(t, s)
	u := startedUser(s, "Ada")
	keyboard := models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{
		{{Text: "1 - Never", CallbackData: "q1:1"}, {Text: "2 - Rarely", CallbackData: "q1:2"}},
	}}
	m, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.ChatID(), Text: "How often?", ReplyMarkup: keyboard})
	if err != nil {
		t.Fatalf("SendMessage: %v", err)
	}

	isNotModified := func(err error) bool {
		return errors.Is(err, bot.ErrorBadRequest) && strings.Contains(err.Error(), "message is not modified")
	}
	// The same text and an equal keyboard (a fresh value, serialised anew).
	same := models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{
		{{Text: "1 - Never", CallbackData: "q1:1"}, {Text: "2 - Rarely", CallbackData: "q1:2"}},
	}}
	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: u.ChatID(), MessageID: m.ID, Text: "How often?", ReplyMarkup: same})
	if !isNotModified(err) {
		t.Errorf("identical edit: err = %v, want message is not modified", err)
	}
	_, err = b.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{ChatID: u.ChatID(), MessageID: m.ID, ReplyMarkup: same})
	if !isNotModified(err) {
		t.Errorf("identical keyboard: err = %v, want message is not modified", err)
	}

	// Editing the text without reply_markup removes the keyboard.
	edited, err := b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: u.ChatID(), MessageID: m.ID, Text: "How often?\n✔ 2 - Rarely"})
	if err != nil {
		t.Fatalf("EditMessageText: %v", err)
	}
	if edited.EditDate == 0 || edited.ReplyMarkup != nil {
		t.Errorf("edited message %+v, want an edit date and no keyboard", edited)
	}
	got := u.Last()
	if got.Text != "How often?\n✔ 2 - Rarely" || got.HasKeyboard() || got.Edits != 1 {
		t.Errorf("user sees %+v, want the edited text without keyboard", got)
	}
	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: u.ChatID(), MessageID: m.ID, Text: "How often?\n✔ 2 - Rarely"})
	if !isNotModified(err) {
		t.Errorf("repeated edit: err = %v, want message is not modified", err)
	}

	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: u.ChatID(), MessageID: 999, Text: "x"})
	if !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), "message to edit not found") {
		t.Errorf("edit of a missing message: err = %v, want message to edit not found", err)
	}
	// The user's own message cannot be edited by the bot.
	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: u.ChatID(), MessageID: 1, Text: "x"})
	if !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), "message can't be edited") {
		t.Errorf("edit of the user's message: err = %v, want message can't be edited", err)
	}

	// Edits and deletions are changes a user following the chat sees.
	v := u.Version()
	ok, err := b.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: u.ChatID(), MessageID: m.ID})
	if err != nil || !ok {
		t.Fatalf("DeleteMessage: %v", err)
	}
	if !u.Last().Deleted {
		t.Errorf("deleted message not marked deleted: %+v", u.Last())
	}
	msgs, v2, err := u.WaitChange(ctx, v)
	if err != nil || v2 != v+1 || len(msgs) != 1 || !msgs[0].Deleted {
		t.Errorf("WaitChange after delete = %+v, %d, %v; want version %d with the message deleted", msgs, v2, err, v+1)
	}
	_, err = b.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: u.ChatID(), MessageID: m.ID})
	if !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), "message to delete not found") {
		t.Errorf("second delete: err = %v, want message to delete not found", err)
	}
}

func TestDeleteWindow(t *testing.T) {
	clock := newTestClock()
	s := newFake(t, WithClock(clock.Now), WithoutLimits())
	ctx := testContext(t)
	b := newClient(t, s)
	u := startedUser(s, "Ada")
	m, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.ChatID(), Text: "old"})
	if err != nil {
		t.Fatal(err)
	}
	clock.Add(49 * time.Hour)
	_, err = b.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: u.ChatID(), MessageID: m.ID})
	if !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), "can't be deleted for everyone") {
		t.Errorf("delete after 49 h: err = %v, want can't be deleted", err)
	}
}

func TestRateLimits(t *testing.T) {
	clock := newTestClock()
	s := newFake(t, WithClock(clock.Now), WithLimits(1, 30), WithBursts(3, 30))
	ctx := testContext(t)
	b := newClient(t, s)
	u := startedUser(s, "Ada")

	send := func(u *User) error {
		_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.ChatID(), Text: "next question"})
		return err
	}
	// The clock stands still: the burst passes, the next message does not.
	for i := range 3 {
		if err := send(u); err != nil {
			t.Fatalf("message %d of the burst: %v", i+1, err)
		}
	}
	err := send(u)
	var tooMany *bot.TooManyRequestsError
	if !errors.As(err, &tooMany) || tooMany.RetryAfter != 1 {
		t.Fatalf("4th message at once: err = %v, want 429 with retry_after 1", err)
	}
	if got := s.Stats().TooManyRequests["sendMessage"]; got != 1 {
		t.Errorf("Stats 429s = %d, want 1", got)
	}
	clock.Add(time.Duration(tooMany.RetryAfter) * time.Second)
	if err := send(u); err != nil {
		t.Errorf("after waiting retry_after: %v", err)
	}
	if n := len(u.Messages()); n != 4 {
		t.Errorf("user got %d messages, want 4 (the refused one is not delivered)", n)
	}

	// 30 per second in all: the 31st message to 31 different chats waits.
	s2 := newFake(t, WithClock(clock.Now), WithLimits(1, 30))
	b2 := newClient(t, s2)
	for i := range 31 {
		_, err := b2.SendMessage(ctx, &bot.SendMessageParams{ChatID: startedUser(s2, "u").ChatID(), Text: "reminder"})
		if i < 30 && err != nil {
			t.Fatalf("message %d: %v", i+1, err)
		}
		if i == 30 && !errors.As(err, &tooMany) {
			t.Errorf("31st message in one second: err = %v, want 429", err)
		}
	}
}

func TestBlockedAndNeverStarted(t *testing.T) {
	s := newFake(t, WithoutLimits())
	ctx := testContext(t)
	b := newClient(t, s)

	stranger := s.NewUser("Bo", "nb")
	_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: stranger.ChatID(), Text: "hi"})
	if !errors.Is(err, bot.ErrorForbidden) || !strings.Contains(err.Error(), "bot can't initiate conversation") {
		t.Errorf("to a user who never wrote: err = %v, want 403 can't initiate", err)
	}
	_, err = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 42, Text: "hi"})
	if !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), "chat not found") {
		t.Errorf("to an unknown chat: err = %v, want chat not found", err)
	}

	u := startedUser(s, "Ada")
	blockID := u.Block()
	_, err = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.ChatID(), Text: "reminder"})
	if !errors.Is(err, bot.ErrorForbidden) || !strings.Contains(err.Error(), "bot was blocked by the user") {
		t.Errorf("to a user who blocked the bot: err = %v, want 403 blocked", err)
	}
	ups, _ := getUpdates(t, ctx, s, nil)
	var member *models.ChatMemberUpdated
	for _, up := range ups {
		if up.ID == blockID {
			member = up.MyChatMember
		}
	}
	if member == nil || member.NewChatMember.Type != models.ChatMemberTypeBanned || member.Chat.ID != u.ChatID() {
		t.Errorf("block update = %+v, want my_chat_member with the bot kicked", member)
	}
	u.Unblock()
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.ChatID(), Text: "welcome back"}); err != nil {
		t.Errorf("after Unblock: %v", err)
	}
}

func TestCallbackQueries(t *testing.T) {
	clock := newTestClock()
	s := newFake(t, WithoutLimits(), WithClock(clock.Now))
	ctx := testContext(t)
	b := newClient(t, s)
	u := startedUser(s, "Ada")
	m, err := b.SendMessage(ctx, &bot.SendMessageParams{
		ChatID: u.ChatID(), Text: "Do you agree?",
		ReplyMarkup: models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "I agree", CallbackData: "consent:yes"}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	tapID, err := u.Press(m.ID, "I agree")
	if err != nil {
		t.Fatalf("Press: %v", err)
	}
	if _, err := u.Press(m.ID, "Nope"); err == nil {
		t.Error("Press on a button that is not there: no error")
	}
	// A stale tap: data the keyboard never had, which Tap allows on purpose.
	staleID, err := u.Tap(m.ID, "old:data")
	if err != nil {
		t.Fatalf("Tap: %v", err)
	}
	if _, err := u.Tap(999, "x"); err == nil {
		t.Error("Tap on a message the bot never sent: no error")
	}

	ups, _ := getUpdates(t, ctx, s, nil)
	var query, stale *models.CallbackQuery
	for _, up := range ups {
		switch up.ID {
		case tapID:
			query = up.CallbackQuery
		case staleID:
			stale = up.CallbackQuery
		}
	}
	if query == nil || query.Data != "consent:yes" || query.Message.Message == nil || query.Message.Message.ID != m.ID || query.Message.Message.Date == 0 {
		t.Fatalf("tap update = %+v, want callback data consent:yes on accessible message %d", query, m.ID)
	}
	if stale == nil || stale.Data != "old:data" {
		t.Fatalf("stale tap update = %+v, want data old:data", stale)
	}

	long := strings.Repeat("x", 201)
	if _, err := b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: query.ID, Text: long}); !errors.Is(err, bot.ErrorBadRequest) {
		t.Errorf("201-character answer: err = %v, want bad request", err)
	}
	if _, err := b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: query.ID, Text: "Thank you"}); err != nil {
		t.Fatalf("AnswerCallbackQuery: %v", err)
	}
	_, err = b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: query.ID})
	if !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), "query is too old") {
		t.Errorf("second answer: err = %v, want query is too old", err)
	}
	a, err := u.WaitAnswer(ctx, tapID)
	if err != nil || a.Text != "Thank you" || a.Data != "consent:yes" {
		t.Errorf("WaitAnswer = %+v, %v; want the answer Thank you", a, err)
	}

	// Answering after the timeout is refused, like Telegram after ~15 s.
	clock.Add(16 * time.Second)
	_, err = b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: stale.ID})
	if !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), "query is too old") {
		t.Errorf("late answer: err = %v, want query is too old", err)
	}
	answers := u.CallbackAnswers()
	if len(answers) != 2 || !answers[0].Answered || answers[1].Answered {
		t.Errorf("CallbackAnswers = %+v, want the first answered and the stale one not", answers)
	}
}

func TestFailureInjection(t *testing.T) {
	s := newFake(t, WithoutLimits())
	ctx := testContext(t)
	b := newClient(t, s)
	u := startedUser(s, "Ada")

	s.FailNext("sendmessage", 429, "", 7)
	s.FailNext("sendMessage", 502, "", 0)
	_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.ChatID(), Text: "one"})
	var tooMany *bot.TooManyRequestsError
	if !errors.As(err, &tooMany) || tooMany.RetryAfter != 7 {
		t.Errorf("first send: err = %v, want 429 retry_after 7", err)
	}
	if _, err = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.ChatID(), Text: "one"}); err == nil || !strings.Contains(err.Error(), "502") {
		t.Errorf("second send: err = %v, want 502", err)
	}
	if _, err = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.ChatID(), Text: "one"}); err != nil {
		t.Errorf("third send: %v", err)
	}

	// A lost response: the bot sees an error, the user sees the message.
	s.LoseNextResponse("sendMessage")
	if _, err = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.ChatID(), Text: "two"}); err == nil {
		t.Error("send with a lost response: no error")
	}
	if got := u.Last().Text; got != "two" {
		t.Errorf("user's last message %q, want two (delivered although the answer was lost)", got)
	}
	if n := len(u.Messages()); n != 2 {
		t.Errorf("user got %d messages, want 2 (failed sends deliver nothing)", n)
	}
	st := s.Stats()
	if st.MessagesSent != 2 || st.Requests["sendMessage"] != 4 || st.Errors["sendMessage"] != 2 || st.TooManyRequests["sendMessage"] != 1 {
		t.Errorf("stats = %+v, want 2 sent of 4 calls, 2 errors, one 429", st)
	}
}

// TestOtherEncodings covers clients that send JSON or url-encoded forms.
func TestOtherEncodings(t *testing.T) {
	s := newFake(t)
	ctx := testContext(t)
	u := startedUser(s, "Ada")
	body := `{"chat_id":` + strconv.FormatInt(u.ChatID(), 10) + `,"text":"<i>json</i>","parse_mode":"HTML",` +
		`"reply_markup":{"inline_keyboard":[[{"text":"1","callback_data":"a"}]]}}`
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/bot"+s.Token+"/sendMessage", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := u.Last(); resp.StatusCode != 200 || got.Text != "json" || got.Entities[0].Type != "italic" || got.Buttons[0][0].CallbackData != "a" {
		t.Errorf("JSON sendMessage: status %d, user sees %+v", resp.StatusCode, got)
	}
	code, a := call(t, ctx, s.URL, "/bot"+s.Token+"/sendMessage", url.Values{"chat_id": {"x"}, "text": {"hi"}})
	if code != 400 || a.Description != "Bad Request: chat not found" {
		t.Errorf("form sendMessage to chat x: %d %+v", code, a)
	}
}

func TestUserMessages(t *testing.T) {
	s := newFake(t)
	ctx := testContext(t)
	u := s.NewUser("Ada", "nb")
	startID := u.Start("OSL-C-0042")
	u.SendSticker()
	u.SendPhoto()
	textID := u.Send("hello /help")
	editID, err := u.Edit(4, "hello again")
	if err != nil {
		t.Fatalf("Edit: %v", err)
	}
	if _, err := u.Edit(2, "x"); err == nil {
		t.Error("Edit of a sticker: no error")
	}
	ups, _ := getUpdates(t, ctx, s, nil)
	if len(ups) != 5 {
		t.Fatalf("got %d updates, want 5", len(ups))
	}
	start := ups[0].Message
	if ups[0].ID != startID || start.Text != "/start OSL-C-0042" || len(start.Entities) != 1 ||
		start.Entities[0].Type != models.MessageEntityTypeBotCommand || start.Entities[0].Length != 6 ||
		start.From.LanguageCode != "nb" || start.Chat.ID != u.ID || start.Chat.Type != models.ChatTypePrivate {
		t.Errorf("start update = %+v", start)
	}
	if ups[1].Message.Sticker == nil || ups[2].Message.Photo == nil {
		t.Errorf("sticker and photo updates = %+v, %+v", ups[1].Message, ups[2].Message)
	}
	if ups[3].ID != textID || len(ups[3].Message.Entities) != 1 || ups[3].Message.Entities[0].Offset != 6 {
		t.Errorf("text update = %+v, want /help marked as a command at 6", ups[3].Message)
	}
	if ups[4].ID != editID || ups[4].EditedMessage == nil || ups[4].EditedMessage.ID != 4 || ups[4].EditedMessage.Text != "hello again" {
		t.Errorf("edit update = %+v", ups[4])
	}
}

func TestCommands(t *testing.T) {
	s := newFake(t)
	ctx := testContext(t)
	b := newClient(t, s)
	cmds := []models.BotCommand{{Command: "help", Description: "What I can do"}, {Command: "back", Description: "Previous question"}}
	if _, err := b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: cmds, LanguageCode: "en"}); err != nil {
		t.Fatalf("SetMyCommands: %v", err)
	}
	if got := s.Commands("en"); len(got) != 2 || got[1].Command != "back" {
		t.Errorf("Commands(en) = %+v", got)
	}
	_, err := b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: []models.BotCommand{{Command: "Help!", Description: "x"}}})
	if !errors.Is(err, bot.ErrorBadRequest) {
		t.Errorf("invalid command: err = %v, want bad request", err)
	}
}
