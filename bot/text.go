package bot

import (
	"strings"
	"unicode/utf8"
)

// Telegram's limits on what we send, in characters (after entity parsing,
// so an escaped "&amp;" counts as one).
const (
	maxMessageChars = 4096
	maxNoticeChars  = 200
)

var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// escapeHTML makes plain text safe for Telegram's HTML parse mode. Only
// these three characters are special there; whatever a participant typed
// (echoed back in an edited question) can never break a message.
func escapeHTML(s string) string { return htmlEscaper.Replace(s) }

// splitText cuts s into parts of at most limit characters, preferring to
// cut after a line break, then after a space. Empty text stays one part so
// that the caller still sends something.
func splitText(s string, limit int) []string {
	if utf8.RuneCountInString(s) <= limit {
		return []string{s}
	}
	var parts []string
	for utf8.RuneCountInString(s) > limit {
		// byte offset of the limit-th character
		end := 0
		for i := 0; i < limit; i++ {
			_, size := utf8.DecodeRuneInString(s[end:])
			end += size
		}
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

// truncateText shortens s to at most limit characters, marking the cut.
func truncateText(s string, limit int) string {
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	runes := []rune(s)
	return string(runes[:limit-1]) + "…"
}

// isNotModified reports Telegram's harmless refusal of an edit that would
// change nothing.
func isNotModified(err error) bool {
	return err != nil && strings.Contains(err.Error(), "message is not modified")
}
