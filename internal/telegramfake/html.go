package telegramfake

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"
)

// htmlTags are the tags Telegram's HTML parse mode knows.
var htmlTags = map[string]bool{
	"a": true, "b": true, "strong": true, "i": true, "em": true, "s": true, "strike": true,
	"del": true, "u": true, "ins": true, "tg-spoiler": true, "tg-emoji": true, "span": true,
	"pre": true, "code": true, "blockquote": true,
}

// parseHTML follows TDLib's parse_html, so errors carry Telegram's wording
// and byte offsets. One deliberate difference: Telegram keeps a '&' that
// starts no entity as text; the fake refuses it, because it means the bot
// forgot to escape user text, and requires the closing ';' for the same reason.
func parseHTML(src string) (string, []models.MessageEntity, error) {
	type open struct {
		tag        string
		arg        string
		expandable bool
		off16      int
		begin      int // byte position in out
	}
	n := len(src)
	at := func(i int) byte {
		if i < n {
			return src[i]
		}
		return 0
	}
	out := make([]byte, 0, n)
	u16 := 0
	var stack []open
	var ents []models.MessageEntity

	for i := 0; i < n; i++ {
		c := src[i]
		if c == '&' {
			r, next, err := decodeHTMLEntity(src, i)
			if err != nil {
				return "", nil, err
			}
			out = utf8.AppendRune(out, r)
			u16 += utf16.RuneLen(r)
			i = next - 1
			continue
		}
		if c != '<' {
			u16 += utf16Step(c)
			out = append(out, c)
			continue
		}

		begin := i
		i++
		if at(i) != '/' {
			for i < n && !isHTMLSpace(src[i]) && src[i] != '>' {
				i++
			}
			if i >= n {
				return "", nil, parseError(fmt.Sprintf("Unclosed start tag at byte offset %d", begin))
			}
			tag := strings.ToLower(src[begin+1 : i])
			if !htmlTags[tag] {
				return "", nil, parseError(fmt.Sprintf("Unsupported start tag %q at byte offset %d", tag, begin))
			}
			o := open{tag: tag}
			for at(i) != '>' {
				for i < n && isHTMLSpace(src[i]) {
					i++
				}
				if at(i) == '>' {
					break
				}
				attrBegin := i
				for i < n && !isHTMLSpace(src[i]) && src[i] != '=' && src[i] != '>' {
					i++
				}
				name := strings.ToLower(src[attrBegin:i])
				if name == "" {
					return "", nil, parseError(fmt.Sprintf("Empty attribute name in the tag %q at byte offset %d", tag, begin))
				}
				for i < n && isHTMLSpace(src[i]) {
					i++
				}
				if at(i) != '=' {
					if tag == "blockquote" && name == "expandable" {
						o.expandable = true
						continue
					}
					return "", nil, parseError(fmt.Sprintf("Expected equal sign in declaration of an attribute of the tag %q at byte offset %d", tag, begin))
				}
				i++
				for i < n && isHTMLSpace(src[i]) {
					i++
				}
				if i >= n {
					return "", nil, parseError(fmt.Sprintf("Unclosed start tag %q at byte offset %d", tag, begin))
				}
				var value string
				if q := src[i]; q != '\'' && q != '"' {
					tokenBegin := i
					for i < n && (isAlnum(src[i]) || src[i] == '.' || src[i] == '-') {
						i++
					}
					value = strings.ToLower(src[tokenBegin:i])
					if i < n && !isHTMLSpace(src[i]) && src[i] != '>' {
						return "", nil, parseError(fmt.Sprintf("Unexpected end of name token at byte offset %d", tokenBegin))
					}
				} else {
					i++
					var v []byte
					for i < n && src[i] != q {
						if src[i] == '&' {
							if r, next, err := decodeHTMLEntity(src, i); err == nil {
								v = utf8.AppendRune(v, r)
								i = next
								continue
							}
						}
						v = append(v, src[i])
						i++
					}
					if i < n {
						i++ // the closing quote
					}
					value = string(v)
				}
				if i >= n {
					return "", nil, parseError(fmt.Sprintf("Unclosed start tag at byte offset %d", begin))
				}
				switch {
				case tag == "a" && name == "href":
					o.arg = value
				case tag == "code" && name == "class" && strings.HasPrefix(value, "language-"):
					o.arg = value[len("language-"):]
				case tag == "span" && name == "class" && strings.HasPrefix(value, "tg-"):
					o.arg = value[len("tg-"):]
				case tag == "tg-emoji" && name == "emoji-id":
					o.arg = value
				}
			}
			if tag == "span" && o.arg != "spoiler" {
				return "", nil, parseError(fmt.Sprintf("Tag \"span\" must have class \"tg-spoiler\" at byte offset %d", begin))
			}
			o.off16, o.begin = u16, len(out)
			stack = append(stack, o)
			continue
		}

		// An end tag.
		if len(stack) == 0 {
			return "", nil, parseError(fmt.Sprintf("Unexpected end tag at byte offset %d", begin))
		}
		for i < n && !isHTMLSpace(src[i]) && src[i] != '>' {
			i++
		}
		endTag := strings.ToLower(src[min(begin+2, i):i])
		for i < n && isHTMLSpace(src[i]) {
			i++
		}
		if at(i) != '>' {
			return "", nil, parseError(fmt.Sprintf("Unclosed end tag at byte offset %d", begin))
		}
		top := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if endTag != "" && endTag != top.tag {
			return "", nil, parseError(fmt.Sprintf("Unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", begin, top.tag, endTag))
		}
		if u16 == top.off16 {
			continue // empty entities vanish
		}
		e := models.MessageEntity{Offset: top.off16, Length: u16 - top.off16}
		switch top.tag {
		case "i", "em":
			e.Type = models.MessageEntityTypeItalic
		case "b", "strong":
			e.Type = models.MessageEntityTypeBold
		case "s", "strike", "del":
			e.Type = models.MessageEntityTypeStrikethrough
		case "u", "ins":
			e.Type = models.MessageEntityTypeUnderline
		case "tg-spoiler", "span":
			e.Type = models.MessageEntityTypeSpoiler
		case "blockquote":
			e.Type = models.MessageEntityTypeBlockquote
			if top.expandable {
				e.Type = models.MessageEntityTypeExpandableBlockquote
			}
		case "tg-emoji":
			if id, err := strconv.ParseInt(top.arg, 10, 64); err != nil || id == 0 {
				return "", nil, parseError("Invalid custom emoji identifier specified")
			}
			e.Type, e.CustomEmojiID = models.MessageEntityTypeCustomEmoji, top.arg
		case "a":
			link := top.arg
			if link == "" {
				link = string(out[top.begin:])
			}
			le, ok := linkEntity(e.Offset, e.Length, link)
			if !ok {
				continue
			}
			e = le
		case "pre":
			// <pre><code class="language-x">…</code></pre> is one pre entity.
			if k := len(ents) - 1; k >= 0 && ents[k].Type == models.MessageEntityTypeCode &&
				ents[k].Offset == e.Offset && ents[k].Length == e.Length && ents[k].Language != "" {
				ents[k].Type = models.MessageEntityTypePre
				continue
			}
			e.Type = models.MessageEntityTypePre
		case "code":
			if k := len(ents) - 1; k >= 0 && ents[k].Type == models.MessageEntityTypePre &&
				ents[k].Offset == e.Offset && ents[k].Length == e.Length && top.arg != "" {
				ents[k].Language = top.arg
				continue
			}
			e.Type, e.Language = models.MessageEntityTypeCode, top.arg
		}
		ents = append(ents, e)
	}
	if len(stack) > 0 {
		return "", nil, parseError(fmt.Sprintf("Can't find end tag corresponding to start tag %q", stack[len(stack)-1].tag))
	}
	for k := range ents {
		if ents[k].Type == models.MessageEntityTypeCode {
			ents[k].Language = "" // only pre keeps a language
		}
	}
	sortEntities(ents)
	return string(out), ents, nil
}

// decodeHTMLEntity decodes the entity at src[i] ('&'): &lt; &gt; &amp;
// &quot; and numeric ones, with the ';' that Telegram would let slip.
func decodeHTMLEntity(src string, i int) (rune, int, error) {
	bare := parseError(fmt.Sprintf("Character '&' at byte offset %d must be escaped as \"&amp;\"", i))
	j := i + 1
	var r rune
	if j < len(src) && src[j] == '#' {
		j++
		base := 10
		if j < len(src) && src[j] == 'x' {
			base = 16
			j++
		}
		start := j
		for j < len(src) && (isDigit(src[j]) || base == 16 && isHexLetter(src[j])) {
			j++
		}
		v, err := strconv.ParseUint(src[start:j], base, 32)
		if err != nil || v == 0 || v >= 0x10ffff {
			return 0, 0, bare
		}
		r = rune(v)
		if r >= 0xd800 && r <= 0xdfff {
			return 0, 0, parseError("Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units")
		}
	} else {
		start := j
		for j < len(src) && isAlpha(src[j]) {
			j++
		}
		switch src[start:j] {
		case "lt":
			r = '<'
		case "gt":
			r = '>'
		case "amp":
			r = '&'
		case "quot":
			r = '"'
		default:
			return 0, 0, bare
		}
	}
	if j >= len(src) || src[j] != ';' {
		return 0, 0, bare
	}
	return r, j + 1, nil
}

func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'
}

func isDigit(c byte) bool     { return c >= '0' && c <= '9' }
func isHexLetter(c byte) bool { return c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }
func isAlpha(c byte) bool     { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isAlnum(c byte) bool     { return isAlpha(c) || isDigit(c) }
