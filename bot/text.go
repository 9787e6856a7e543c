package bot

import (
	"strings"
	"unicode/utf16"
)

// Telegram's limits on what we send, in UTF-16 code units as Telegram
// counts them (after entity parsing, so an escaped "&amp;" counts as one;
// an emoji outside the basic plane counts as two).
const (
	maxMessageChars = 4096
	maxNoticeChars  = 200
)

var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// escapeHTML makes plain text safe for Telegram's HTML parse mode. Only
// these three characters are special there; whatever a participant typed
// (echoed back in an edited question) can never break a message.
func escapeHTML(s string) string { return htmlEscaper.Replace(s) }

// units is the length of s as Telegram counts it.
func units(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// prefixWithin returns the byte length of the longest prefix of s that is
// at most limit units long.
func prefixWithin(s string, limit int) int {
	n := 0
	for i, r := range s {
		if n += utf16.RuneLen(r); n > limit {
			return i
		}
	}
	return len(s)
}

// splitText cuts s into parts of at most limit units, preferring to cut
// after a line break, then after a space. Empty text stays one part so
// that the caller still sends something.
func splitText(s string, limit int) []string {
	if units(s) <= limit {
		return []string{s}
	}
	var parts []string
	for units(s) > limit {
		end := prefixWithin(s, limit)
		cut := end
		if i := strings.LastIndexByte(s[:end], '\n'); i > end/2 {
			cut = i + 1
		} else if i := strings.LastIndexByte(s[:end], ' '); i > end/2 {
			cut = i + 1
		}
		parts = append(parts, s[:cut])
		s = s[cut:]
	}
	if s != "" {
		parts = append(parts, s)
	}
	return parts
}

// truncateText shortens s to at most limit units, marking the cut.
func truncateText(s string, limit int) string {
	if units(s) <= limit {
		return s
	}
	return s[:prefixWithin(s, limit-1)] + "…"
}

// isNotModified reports Telegram's harmless refusal of an edit that would
// change nothing.
func isNotModified(err error) bool {
	return err != nil && strings.Contains(err.Error(), "message is not modified")
}
