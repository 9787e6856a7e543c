package telegramfake

import (
	"strings"
	"time"

	"github.com/go-telegram/bot/models"
)

// chat is the state of one private chat between the bot and a simulated
// user. Its id equals the user's id, as in Telegram.
type chat struct {
	user     models.User
	instance string // callback queries' chat_instance
	started  bool   // the user wrote first: the bot may answer
	blocked  bool
	nextID   int
	byID     map[int]*message
	order    []*message // both directions, oldest first
	taps     []*callback
	version  uint64 // counts changes the user can see
	changed  signal
	bucket   bucket
}

// touch records a change the user can see and wakes whoever waits on it.
func (c *chat) touch() {
	c.version++
	c.changed.notify()
}

func (c *chat) apiChat() models.Chat {
	return models.Chat{ID: c.user.ID, Type: models.ChatTypePrivate, FirstName: c.user.FirstName, Username: c.user.Username}
}

// add stores m under a fresh message id, forgetting the oldest message when
// the history bound is reached.
func (c *chat) add(m *message, limit int) {
	c.nextID++
	m.id = c.nextID
	c.byID[m.id] = m
	c.order = append(c.order, m)
	if limit > 0 && len(c.order) > limit {
		old := c.order[0]
		c.order[0] = nil
		c.order = c.order[1:]
		delete(c.byID, old.id)
	}
}

// message is a message in a chat, sent by the bot or by the user.
type message struct {
	id        int
	fromBot   bool
	date      time.Time
	editDate  time.Time
	text      string
	entities  []models.MessageEntity
	parseMode string
	markup    *models.InlineKeyboardMarkup // nil: no inline keyboard; never mutated, only replaced
	edits     int
	deleted   bool
	media     string // "sticker" or "photo" for user messages without text
	view      Message
}

// refresh rebuilds the immutable snapshot that users read.
func (m *message) refresh() {
	m.view = Message{
		ID:        m.id,
		Text:      m.text,
		ParseMode: m.parseMode,
		Date:      m.date,
		EditDate:  m.editDate,
		Edits:     m.edits,
		Deleted:   m.deleted,
	}
	for _, e := range m.entities {
		m.view.Entities = append(m.view.Entities, Entity{Type: string(e.Type), Offset: e.Offset, Length: e.Length, URL: e.URL, Language: e.Language})
	}
	if m.markup != nil {
		for _, row := range m.markup.InlineKeyboard {
			r := make([]Button, 0, len(row))
			for _, b := range row {
				r = append(r, Button{Text: b.Text, CallbackData: b.CallbackData, URL: b.URL})
			}
			m.view.Buttons = append(m.view.Buttons, r)
		}
	}
}

func (m *message) apiMessage(bot models.User, c *chat) *models.Message {
	am := &models.Message{
		ID:          m.id,
		Date:        int(m.date.Unix()),
		Chat:        c.apiChat(),
		Text:        m.text,
		Entities:    m.entities,
		ReplyMarkup: m.markup,
	}
	if m.fromBot {
		from := bot
		am.From = &from
	} else {
		from := c.user
		am.From = &from
	}
	if !m.editDate.IsZero() {
		am.EditDate = int(m.editDate.Unix())
	}
	return am
}

// Message is what a simulated user sees of a message the bot sent: the
// current text and keyboard, with edits applied. It is a snapshot; treat its
// slices as read-only.
type Message struct {
	ID        int
	Text      string   // after entity parsing: what the user reads
	Entities  []Entity // formatting, with UTF-16 offsets as in the Bot API
	ParseMode string   // as the bot sent it
	Buttons   [][]Button
	Date      time.Time
	EditDate  time.Time // zero if never edited
	Edits     int
	Deleted   bool
}

// Entity is a formatting span of a Message.
type Entity struct {
	Type     string // "bold", "italic", "code", "text_link", ...
	Offset   int
	Length   int
	URL      string
	Language string
}

// Button is an inline keyboard button.
type Button struct {
	Text         string
	CallbackData string
	URL          string
}

// Button finds the first button whose text begins with prefix.
func (m Message) Button(prefix string) (Button, bool) {
	for _, row := range m.Buttons {
		for _, b := range row {
			if strings.HasPrefix(b.Text, prefix) {
				return b, true
			}
		}
	}
	return Button{}, false
}

// ButtonTexts lists the buttons' texts row by row, left to right.
func (m Message) ButtonTexts() []string {
	var texts []string
	for _, row := range m.Buttons {
		for _, b := range row {
			texts = append(texts, b.Text)
		}
	}
	return texts
}

// HasKeyboard reports whether the message currently shows inline buttons.
func (m Message) HasKeyboard() bool { return len(m.Buttons) > 0 }

// clone deep-copies the slices so callers may keep and change their copy.
func (m Message) clone() Message {
	if m.Entities != nil {
		m.Entities = append([]Entity(nil), m.Entities...)
	}
	if m.Buttons != nil {
		rows := make([][]Button, len(m.Buttons))
		for i, r := range m.Buttons {
			rows[i] = append([]Button(nil), r...)
		}
		m.Buttons = rows
	}
	return m
}
