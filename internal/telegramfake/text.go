package telegramfake

import (
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"
)

// maxTextLength is Telegram's limit for a message text after entity
// parsing. The fake counts UTF-16 code units, as entity offsets do; that is
// never more lenient than counting characters.
const maxTextLength = 4096

// formatted is a message text after parsing, as Telegram stores it.
type formatted struct {
	text     string
	entities []models.MessageEntity
}

// formatText parses text in the given parse mode, or takes the explicit
// entities, and checks what Telegram checks for a message text.
func formatText(text, parseMode, entitiesJSON string) (formatted, *apiError) {
	if !utf8.ValidString(text) {
		return formatted{}, badRequest("text must be encoded in UTF-8")
	}
	var f formatted
	var err error
	switch strings.ToLower(parseMode) {
	case "":
		f.text = text
		if strings.TrimSpace(entitiesJSON) != "" {
			if json.Unmarshal([]byte(entitiesJSON), &f.entities) != nil {
				return formatted{}, badRequest("can't parse entities JSON object")
			}
		}
	case "html":
		f.text, f.entities, err = parseHTML(text)
	case "markdownv2":
		f.text, f.entities, err = parseMarkdownV2(text)
	case "markdown":
		f.text, f.entities, err = parseMarkdown(text)
	default:
		return formatted{}, badRequest("unsupported parse_mode")
	}
	if err != nil {
		return formatted{}, badRequest("can't parse entities: " + err.Error())
	}
	if strings.TrimSpace(f.text) == "" {
		return formatted{}, badRequest("message text is empty")
	}
	if utf16Len(f.text) > maxTextLength {
		return formatted{}, badRequest("message is too long")
	}
	return f, nil
}

// utf16Len is the length of s in UTF-16 code units.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// utf16Step is how many UTF-16 code units the UTF-8 sequence starting with
// byte c adds (0 for continuation bytes).
func utf16Step(c byte) int {
	switch {
	case c&0xC0 == 0x80:
		return 0
	case c >= 0xF0:
		return 2
	default:
		return 1
	}
}

// parseError is a parse failure worded as Telegram words it.
type parseError string

func (e parseError) Error() string { return string(e) }

func reservedError(c byte) error {
	return parseError("Character '" + string(c) + "' is reserved and must be escaped with the preceding '\\'")
}

// sortEntities orders entities as Telegram does: by offset, longer first.
func sortEntities(es []models.MessageEntity) {
	slices.SortStableFunc(es, func(a, b models.MessageEntity) int {
		if a.Offset != b.Offset {
			return a.Offset - b.Offset
		}
		return b.Length - a.Length
	})
}

// linkEntity makes a text_link or text_mention entity for url, or reports
// false for a URL Telegram would drop.
func linkEntity(offset, length int, link string) (models.MessageEntity, bool) {
	if id, ok := strings.CutPrefix(link, "tg://user?id="); ok {
		if n, err := strconv.ParseInt(id, 10, 64); err == nil && n > 0 {
			return models.MessageEntity{Type: models.MessageEntityTypeTextMention, Offset: offset, Length: length, User: &models.User{ID: n}}, true
		}
		return models.MessageEntity{}, false
	}
	checked := checkedLink(link)
	if checked == "" {
		return models.MessageEntity{}, false
	}
	return models.MessageEntity{Type: models.MessageEntityTypeTextLink, Offset: offset, Length: length, URL: checked}, true
}

// checkedLink approximates Telegram's link check: http(s) links need a
// dotted host; a link without a scheme gets http://; tg and ton links pass.
func checkedLink(link string) string {
	link = strings.TrimSpace(link)
	if link == "" || strings.ContainsAny(link, " \n\t") {
		return ""
	}
	if !strings.Contains(link, "://") && !strings.HasPrefix(strings.ToLower(link), "tg:") {
		link = "http://" + link
	}
	u, err := url.Parse(link)
	if err != nil {
		return ""
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if !strings.Contains(u.Hostname(), ".") {
			return ""
		}
		return link
	case "tg", "ton", "tonsite":
		return link
	}
	return ""
}

// commandEntities marks /commands at the start of words, as Telegram does
// for what users type, so that handlers matching bot_command entities fire.
func commandEntities(text string) []models.MessageEntity {
	var es []models.MessageEntity
	off := 0
	prev := ' '
	for i, r := range text {
		if r == '/' && (prev == ' ' || prev == '\n' || prev == '\t') {
			j := i + 1
			for j < len(text) && j-i <= 64 && isCommandByte(text[j]) {
				j++
			}
			if j > i+1 {
				es = append(es, models.MessageEntity{Type: models.MessageEntityTypeBotCommand, Offset: off, Length: utf16Len(text[i:j])})
			}
		}
		off += utf16.RuneLen(r)
		prev = r
	}
	return es
}

func isCommandByte(c byte) bool {
	return c == '_' || c == '@' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
