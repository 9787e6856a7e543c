package questionnaires

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxTextAnswer is the longest free-text answer, in characters.
const MaxTextAnswer = 1000

// Keys of InputError, for the chat to pick its own translation.
const (
	InputNotAnOption = "not_an_option" // a choice answer that is not one of the codes
	InputNotANumber  = "not_a_number"  // an integer answer that is not a whole number
	InputOutOfRange  = "out_of_range"  // a whole number outside Min..Max
	InputEmpty       = "empty"         // nothing but spaces
	InputTooLong     = "too_long"      // text longer than MaxLen characters
	InputControl     = "control_chars" // text with line breaks or other control characters
)

// InputError says why typed input is not a valid answer. Error is a short
// sentence for the participant in English; Message gives it in another
// language; Key lets the chat word it its own way.
type InputError struct {
	Key      string
	Min, Max int   // the range, for InputNotANumber and InputOutOfRange
	Codes    []int // the valid codes, for InputNotAnOption
	MaxLen   int   // for InputTooLong
}

func (e *InputError) Error() string { return e.Message("en") }

// Message is the explanation in lang ("en" or "nb"; others get English).
func (e *InputError) Message(lang string) string {
	nb := lang == "nb"
	switch e.Key {
	case InputNotAnOption:
		codes := codeList(e.Codes, nb)
		if nb {
			return "Svar med et av tallene " + codes + "."
		}
		return "Please answer with one of the numbers " + codes + "."
	case InputNotANumber, InputOutOfRange:
		if nb {
			return fmt.Sprintf("Skriv et helt tall fra %d til %d.", e.Min, e.Max)
		}
		return fmt.Sprintf("Please type a whole number from %d to %d.", e.Min, e.Max)
	case InputEmpty:
		if nb {
			return "Skriv et svar."
		}
		return "Please type an answer."
	case InputTooLong:
		if nb {
			return fmt.Sprintf("Svaret kan være på høyst %d tegn.", e.MaxLen)
		}
		return fmt.Sprintf("Please keep your answer to at most %d characters.", e.MaxLen)
	case InputControl:
		if nb {
			return "Send svaret som vanlig tekst på én linje."
		}
		return "Please send your answer as plain text on one line."
	}
	if nb {
		return "Svaret kan ikke brukes."
	}
	return "That answer cannot be used."
}

// codeList writes codes as "1, 2, 3 or 9" (bokmål: "eller").
func codeList(codes []int, nb bool) string {
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = strconv.Itoa(c)
	}
	if len(parts) < 2 {
		return strings.Join(parts, "")
	}
	or := " or "
	if nb {
		or = " eller "
	}
	return strings.Join(parts[:len(parts)-1], ", ") + or + parts[len(parts)-1]
}

// Validate turns what a participant typed for item (an item id) into the
// raw value to store, or explains with an *InputError why it cannot.
func (q *Questionnaire) Validate(item, input string) (string, error) {
	it, _, ok := q.Item(item)
	if !ok {
		return "", fmt.Errorf("questionnaires.Validate: questionnaire %s has no item %q", q.ID, item)
	}
	return it.Validate(input)
}

// Validate turns typed input into the raw value stored for this item: the
// option code for a choice ("3"), the number for an integer item ("57"),
// the trimmed text for a text item.
func (it *Item) Validate(input string) (string, error) {
	input = strings.TrimSpace(input)
	switch it.Type {
	case TypeChoice:
		code, err := strconv.Atoi(input)
		if err != nil || !it.hasOption(code) {
			codes := make([]int, len(it.Options))
			for i, o := range it.Options {
				codes[i] = o.Code
			}
			return "", &InputError{Key: InputNotAnOption, Codes: codes}
		}
		return strconv.Itoa(code), nil
	case TypeInteger:
		lo, hi, ok := it.AnswerRange()
		if !ok {
			return "", fmt.Errorf("questionnaires.Validate: item %s has no range", it.ID)
		}
		v, err := strconv.Atoi(input)
		if err != nil {
			return "", &InputError{Key: InputNotANumber, Min: lo, Max: hi}
		}
		if v < lo || v > hi {
			return "", &InputError{Key: InputOutOfRange, Min: lo, Max: hi}
		}
		return strconv.Itoa(v), nil
	case TypeText:
		switch {
		case input == "":
			return "", &InputError{Key: InputEmpty}
		case !utf8.ValidString(input) || strings.ContainsFunc(input, unicode.IsControl):
			return "", &InputError{Key: InputControl}
		case utf8.RuneCountInString(input) > MaxTextAnswer:
			return "", &InputError{Key: InputTooLong, MaxLen: MaxTextAnswer}
		}
		return input, nil
	}
	return "", fmt.Errorf("questionnaires.Validate: item %s has unknown type %q", it.ID, it.Type)
}
