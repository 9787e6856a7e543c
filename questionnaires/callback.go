package questionnaires

import (
	"strconv"
	"strings"
)

// maxCallbackData is Telegram's limit on an inline button's callback data.
const maxCallbackData = 64

// AnswerCallbackData is the callback data of an answer button: "a:<seq>:<code>".
// seq identifies the question message the button belongs to, so that a tap
// on an earlier message can be told from an answer to the current question.
// Lint checks that every option's data fits Telegram's 64 bytes with the
// largest seq.
func AnswerCallbackData(seq int64, code int) string {
	return "a:" + strconv.FormatInt(seq, 10) + ":" + strconv.Itoa(code)
}

// ParseAnswerCallbackData reads data made by AnswerCallbackData; ok is false
// for anything else, so a forged or foreign button changes nothing.
func ParseAnswerCallbackData(s string) (seq int64, code int, ok bool) {
	rest, found := strings.CutPrefix(s, "a:")
	if !found || len(s) > maxCallbackData {
		return 0, 0, false
	}
	seqText, codeText, found := strings.Cut(rest, ":")
	if !found {
		return 0, 0, false
	}
	seq, err := strconv.ParseInt(seqText, 10, 64)
	if err != nil || strconv.FormatInt(seq, 10) != seqText {
		return 0, 0, false
	}
	code, err = strconv.Atoi(codeText)
	if err != nil || strconv.Itoa(code) != codeText {
		return 0, 0, false
	}
	return seq, code, true
}
