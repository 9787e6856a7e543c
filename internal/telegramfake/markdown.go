package telegramfake

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/go-telegram/bot/models"
)

// mdKind is an entity kind while parsing MarkdownV2; its name is the one
// Telegram puts in "Can't find end of X entity" errors.
type mdKind string

const (
	mdBold        mdKind = "Bold"
	mdItalic      mdKind = "Italic"
	mdUnderline   mdKind = "Underline"
	mdStrike      mdKind = "Strikethrough"
	mdSpoiler     mdKind = "Spoiler"
	mdCode        mdKind = "Code"
	mdPre         mdKind = "Pre"
	mdPreCode     mdKind = "PreCode"
	mdTextURL     mdKind = "TextUrl"
	mdCustomEmoji mdKind = "CustomEmoji"
	mdBlockQuote  mdKind = "BlockQuote"
)

var mdEntityTypes = map[mdKind]models.MessageEntityType{
	mdBold: models.MessageEntityTypeBold, mdItalic: models.MessageEntityTypeItalic,
	mdUnderline: models.MessageEntityTypeUnderline, mdStrike: models.MessageEntityTypeStrikethrough,
	mdSpoiler: models.MessageEntityTypeSpoiler, mdCode: models.MessageEntityTypeCode,
	mdPre: models.MessageEntityTypePre, mdPreCode: models.MessageEntityTypePre,
	mdBlockQuote: models.MessageEntityTypeBlockquote,
}

// parseMarkdownV2 follows TDLib's parse_markdown_v2: every character of
// _*[]()~`>#+-=|{}.! outside code must be escaped with '\'.
func parseMarkdownV2(src string) (string, []models.MessageEntity, error) {
	type open struct {
		kind    mdKind
		arg     string
		off16   int
		byteOff int
		begin   int
	}
	n := len(src)
	at := func(i int) byte {
		if i >= 0 && i < n {
			return src[i]
		}
		return 0
	}
	out := make([]byte, 0, n)
	u16 := 0
	var stack []open
	var ents []models.MessageEntity
	haveQuote, canStartQuote := false, true
	endError := func(o open) error {
		return parseError(fmt.Sprintf("Can't find end of %s entity at byte offset %d", o.kind, o.byteOff))
	}

	for i := 0; i < n; i++ {
		c := src[i]
		if c == '\\' && at(i+1) > 0 && at(i+1) <= 126 {
			i++
			u16++
			out = append(out, src[i])
			if src[i] != '\r' {
				canStartQuote = src[i] == '\n'
			}
			continue
		}
		reserved := "_*[]()~`>#+-=|{}.!\n"
		if len(stack) > 0 {
			switch stack[len(stack)-1].kind {
			case mdCode, mdPre, mdPreCode:
				reserved = "`"
			}
		}
		if strings.IndexByte(reserved, c) < 0 {
			if step := utf16Step(c); step > 0 {
				u16 += step
				if c != '\r' {
					canStartQuote = false
				}
			}
			out = append(out, c)
			continue
		}

		isEnd := false
		if len(stack) > 0 {
			if haveQuote && c == '\n' && (i+1 == n || src[i+1] != '>') {
				isEnd = true
			} else {
				switch stack[len(stack)-1].kind {
				case mdBold:
					isEnd = c == '*'
				case mdItalic:
					isEnd = c == '_' && at(i+1) != '_'
				case mdCode:
					isEnd = c == '`'
				case mdPre, mdPreCode:
					isEnd = c == '`' && at(i+1) == '`' && at(i+2) == '`'
				case mdTextURL, mdCustomEmoji:
					isEnd = c == ']'
				case mdUnderline:
					isEnd = c == '_' && at(i+1) == '_'
				case mdStrike:
					isEnd = c == '~'
				case mdSpoiler:
					isEnd = c == '|' && at(i+1) == '|'
				}
			}
		}

		if !isEnd {
			o := open{byteOff: i}
			switch c {
			case '_':
				o.kind = mdItalic
				if at(i+1) == '_' {
					o.kind = mdUnderline
					i++
				}
			case '*':
				o.kind = mdBold
			case '~':
				o.kind = mdStrike
			case '|':
				if at(i+1) != '|' {
					return "", nil, reservedError(c)
				}
				i++
				o.kind = mdSpoiler
			case '[':
				o.kind = mdTextURL
			case '`':
				if at(i+1) != '`' || at(i+2) != '`' {
					o.kind = mdCode
					break
				}
				i += 3
				o.kind = mdPre
				langEnd := i
				for !isMDSpace(at(langEnd)) && at(langEnd) != '`' {
					langEnd++
				}
				if i != langEnd && langEnd < n && at(langEnd) != '`' {
					o.kind, o.arg = mdPreCode, src[i:langEnd]
					i = langEnd
				}
				if at(i) == '\n' || at(i) == '\r' {
					if (at(i+1) == '\n' || at(i+1) == '\r') && at(i) != at(i+1) {
						i += 2
					} else {
						i++
					}
				}
				i--
			case '!':
				if at(i+1) != '[' {
					return "", nil, reservedError(c)
				}
				i++
				o.kind = mdCustomEmoji
			case '\n':
				u16++
				out = append(out, '\n')
				canStartQuote = true
				continue
			case '>':
				if !canStartQuote {
					return "", nil, reservedError(c)
				}
				if haveQuote {
					continue
				}
				o.kind, haveQuote = mdBlockQuote, true
			default:
				return "", nil, reservedError(c)
			}
			o.off16, o.begin = u16, len(out)
			stack = append(stack, o)
			continue
		}

		// The end of the innermost entity.
		top := stack[len(stack)-1]
		kind := top.kind
		expandable := false
		if c == '\n' && kind != mdBlockQuote {
			// Only "||" right before the newline may end an expandable quote.
			if kind != mdSpoiler || !(top.byteOff == i-2 || top.byteOff == i-3 && len(out) > 0 && out[len(out)-1] == '\r') {
				return "", nil, endError(top)
			}
			stack = stack[:len(stack)-1]
			top = stack[len(stack)-1]
			if top.kind != mdBlockQuote {
				return "", nil, endError(top)
			}
			kind, expandable = mdBlockQuote, true
		}
		skip := u16 == top.off16
		e := models.MessageEntity{Type: mdEntityTypes[kind], Offset: top.off16}
		switch kind {
		case mdUnderline, mdSpoiler:
			i++
		case mdPre, mdPreCode:
			i += 2
			e.Language = top.arg
		case mdTextURL:
			link := string(out[top.begin:])
			if at(i+1) == '(' {
				i += 2
				urlBegin := i
				var b []byte
				for i < n && src[i] != ')' {
					if src[i] == '\\' && at(i+1) > 0 && at(i+1) <= 126 {
						b = append(b, src[i+1])
						i += 2
						continue
					}
					b = append(b, src[i])
					i++
				}
				if at(i) != ')' {
					return "", nil, parseError(fmt.Sprintf("Can't find end of a URL at byte offset %d", urlBegin))
				}
				link = string(b)
			}
			le, ok := linkEntity(top.off16, u16-top.off16, link)
			if !ok {
				skip = true
			}
			e = le
		case mdCustomEmoji:
			if at(i+1) != '(' {
				return "", nil, parseError("Custom emoji entity must contain a tg://emoji URL")
			}
			i += 2
			urlBegin := i
			for i < n && src[i] != ')' {
				i++
			}
			if at(i) != ')' {
				return "", nil, parseError(fmt.Sprintf("Can't find end of a custom emoji URL at byte offset %d", urlBegin))
			}
			id, ok := strings.CutPrefix(src[urlBegin:i], "tg://emoji?id=")
			if v, err := strconv.ParseInt(id, 10, 64); !ok || err != nil || v <= 0 {
				return "", nil, parseError("Custom emoji URL must have an emoji identifier")
			}
			e.Type, e.CustomEmojiID = models.MessageEntityTypeCustomEmoji, id
		case mdBlockQuote:
			haveQuote = false
			out = append(out, src[i])
			canStartQuote = true
			u16++
			skip = false
			if expandable {
				e.Type = models.MessageEntityTypeExpandableBlockquote
			}
		}
		if !skip {
			e.Length = u16 - e.Offset
			ents = append(ents, e)
		}
		stack = stack[:len(stack)-1]
	}

	if haveQuote {
		kind := models.MessageEntityTypeBlockquote
		if top := stack[len(stack)-1]; top.kind == mdSpoiler && top.byteOff == n-2 {
			stack = stack[:len(stack)-1]
			kind = models.MessageEntityTypeExpandableBlockquote
		}
		if top := stack[len(stack)-1]; top.kind == mdBlockQuote {
			if u16 != top.off16 {
				ents = append(ents, models.MessageEntity{Type: kind, Offset: top.off16, Length: u16 - top.off16})
			}
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) > 0 {
		return "", nil, endError(stack[len(stack)-1])
	}
	sortEntities(ents)
	return string(out), ents, nil
}

func isMDSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0 || c == '\v'
}

// parseMarkdown follows TDLib's parse_markdown for the legacy Markdown
// mode: *bold*, _italic_, `code`, ```pre```, [text](url); '\' escapes only
// those markers; anything else is text.
func parseMarkdown(src string) (string, []models.MessageEntity, error) {
	n := len(src)
	at := func(i int) byte {
		if i < n {
			return src[i]
		}
		return 0
	}
	out := make([]byte, 0, n)
	u16 := 0
	var ents []models.MessageEntity
	for i := 0; i < n; i++ {
		c := src[i]
		if c == '\\' && (at(i+1) == '_' || at(i+1) == '*' || at(i+1) == '`' || at(i+1) == '[') {
			i++
			out = append(out, src[i])
			u16++
			continue
		}
		if c != '_' && c != '*' && c != '`' && c != '[' {
			u16 += utf16Step(c)
			out = append(out, c)
			continue
		}
		beginPos := i
		end := c
		if c == '[' {
			end = ']'
		}
		isPre := false
		language := ""
		i++
		if c == '`' && at(i) == '`' && at(i+1) == '`' {
			i += 2
			isPre = true
			langEnd := i
			for !isMDSpace(at(langEnd)) && at(langEnd) != '`' {
				langEnd++
			}
			if i != langEnd && langEnd < n && at(langEnd) != '`' {
				language = src[i:langEnd]
				i = langEnd
			}
			if at(i) == '\n' || at(i) == '\r' {
				if (at(i+1) == '\n' || at(i+1) == '\r') && at(i) != at(i+1) {
					i += 2
				} else {
					i++
				}
			}
		}
		off16, begin := u16, len(out)
		for i < n && (src[i] != end || isPre && !(at(i+1) == '`' && at(i+2) == '`')) {
			u16 += utf16Step(src[i])
			out = append(out, src[i])
			i++
		}
		if i >= n {
			return "", nil, parseError(fmt.Sprintf("Can't find end of the entity starting at byte offset %d", beginPos))
		}
		if u16 != off16 {
			e := models.MessageEntity{Offset: off16, Length: u16 - off16}
			keep := true
			switch c {
			case '_':
				e.Type = models.MessageEntityTypeItalic
			case '*':
				e.Type = models.MessageEntityTypeBold
			case '`':
				e.Type = models.MessageEntityTypeCode
				if isPre {
					e.Type, e.Language = models.MessageEntityTypePre, language
				}
			case '[':
				link := string(out[begin:])
				if at(i+1) == '(' {
					urlBegin := i + 2
					j := urlBegin
					for j < n && src[j] != ')' {
						j++
					}
					if j < n {
						link = src[urlBegin:j]
						i = j
					}
				}
				e, keep = linkEntity(e.Offset, e.Length, link)
			}
			if keep {
				ents = append(ents, e)
			}
		}
		if isPre {
			i += 2
		}
	}
	sortEntities(ents)
	return string(out), ents, nil
}
