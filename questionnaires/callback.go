package questionnaires

import (
	"strconv"
	"strings"
)

// This file is the one definition of the callback data the bot's inline
// buttons carry: what a tap sends back. The chat engine (flows) makes and
// reads it, and lint checks that answer buttons fit; nothing else knows
// the format. Each kind has its own prefix, so no kind's data reads as
// another's, and the parsers accept only what the makers make: a forged or
// foreign button changes nothing.

// maxCallbackData is Telegram's limit on an inline button's callback data.
const maxCallbackData = 64

// Prefixes of the data that carries a value.
const (
	answerPrefix   = "a:" // + seq + ":" + option code
	skipPrefix     = "s:" // + seq
	languagePrefix = "l:" // + language code
	ratePrefix     = "r:" // + the consumer's participant code
)

// The data of the buttons that carry no value. Those of a menu (consent,
// withdrawal) are guarded by the conversation's phase, so a second tap
// finds the phase moved on.
const (
	CallbackConsentYes   = "c:yes"
	CallbackConsentNo    = "c:no"
	CallbackWithdrawYes  = "w:yes"
	CallbackWithdrawNo   = "w:no"
	CallbackKeepAnswers  = "w:keep"
	CallbackEraseAnswers = "w:erase"
	// CallbackStart is the button on a reminder: start (or continue) the
	// questionnaires that are due.
	CallbackStart = "go"
)

// AnswerCallbackData is the callback data of an answer button: "a:<seq>:<code>".
// seq identifies the question message the button belongs to, so that a tap
// on an earlier message can be told from an answer to the current question.
// Lint checks that every option's data fits Telegram's 64 bytes with the
// largest seq.
func AnswerCallbackData(seq int64, code int) string {
	return answerPrefix + strconv.FormatInt(seq, 10) + ":" + strconv.Itoa(code)
}

// ParseAnswerCallbackData reads data made by AnswerCallbackData.
func ParseAnswerCallbackData(s string) (seq int64, code int, ok bool) {
	rest, found := strings.CutPrefix(s, answerPrefix)
	if !found || len(s) > maxCallbackData {
		return 0, 0, false
	}
	seqText, codeText, found := strings.Cut(rest, ":")
	if !found {
		return 0, 0, false
	}
	seq, ok = parseSeq(seqText)
	if !ok {
		return 0, 0, false
	}
	code, err := strconv.Atoi(codeText)
	if err != nil || strconv.Itoa(code) != codeText {
		return 0, 0, false
	}
	return seq, code, true
}

// SkipCallbackData is the callback data of the Skip button of the question
// sent as seq: "s:<seq>".
func SkipCallbackData(seq int64) string {
	return skipPrefix + strconv.FormatInt(seq, 10)
}

// ParseSkipCallbackData reads data made by SkipCallbackData.
func ParseSkipCallbackData(s string) (seq int64, ok bool) {
	rest, found := strings.CutPrefix(s, skipPrefix)
	if !found || len(s) > maxCallbackData {
		return 0, false
	}
	return parseSeq(rest)
}

// parseSeq reads a seq written by strconv.FormatInt, and nothing else.
func parseSeq(s string) (int64, bool) {
	seq, err := strconv.ParseInt(s, 10, 64)
	if err != nil || strconv.FormatInt(seq, 10) != s {
		return 0, false
	}
	return seq, true
}

// LanguageCallbackData is the callback data of the language menu's button
// for lang: "l:<lang>".
func LanguageCallbackData(lang string) string { return languagePrefix + lang }

// ParseLanguageCallbackData reads data made by LanguageCallbackData; the
// language it returns may be one the study does not speak.
func ParseLanguageCallbackData(s string) (lang string, ok bool) {
	lang, ok = strings.CutPrefix(s, languagePrefix)
	return lang, ok && len(s) <= maxCallbackData
}

// RateCallbackData is the callback data of the button that starts rating
// the consumer with participant code code: "r:<code>"; ok is false when
// the code is too long for a button.
func RateCallbackData(code string) (data string, ok bool) {
	data = ratePrefix + code
	return data, len(data) <= maxCallbackData
}

// ParseRateCallbackData reads data made by RateCallbackData; the code it
// returns may be no one's.
func ParseRateCallbackData(s string) (code string, ok bool) {
	code, ok = strings.CutPrefix(s, ratePrefix)
	return code, ok && len(s) <= maxCallbackData
}
