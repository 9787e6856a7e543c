package reminders

import (
	"fmt"
	"strings"
	"time"

	"github.com/imrbot/imrbot/flows"
	"github.com/imrbot/imrbot/questionnaires"
)

// The reminders' texts, in every language the bot speaks. They are plain
// text: the Messenger escapes them for its parse mode.

func lang(l string) string {
	if l == "nb" {
		return "nb"
	}
	return "en"
}

func longDate(l string, d time.Time) string {
	if lang(l) == "nb" {
		return d.Format("02.01.2006")
	}
	return d.Format("2 January 2006")
}

// participantText reminds a respondent of their own questionnaires.
func participantText(l, label string, step Step, closes time.Time) string {
	until := longDate(l, closes)
	switch {
	case lang(l) == "nb" && step == StepOpen:
		return fmt.Sprintf("Nå åpen (%s): spørreskjemaene er klare for deg fram til %s. Trykk Start når det passer.", label, until)
	case lang(l) == "nb":
		return fmt.Sprintf("Påminnelse (%s): spørreskjemaene venter på deg fram til %s. Trykk Start for å svare.", label, until)
	case step == StepOpen:
		return fmt.Sprintf("Now open (%s): your questionnaires are ready for you until %s. Tap Start when you have a moment.", label, until)
	default:
		return fmt.Sprintf("Reminder (%s): your questionnaires are waiting for you until %s. Tap Start to answer.", label, until)
	}
}

func startButton(l string) [][]flows.Button {
	return [][]flows.Button{{{Text: "Start", Data: questionnaires.CallbackStart}}}
}

// ratingText reminds a clinician of their ratings of one consumer.
func ratingText(l, label, subject string, closes time.Time) string {
	if lang(l) == "nb" {
		return fmt.Sprintf("Påminnelse (%s): vurderingene dine av %s venter fram til %s.", label, subject, longDate(l, closes))
	}
	return fmt.Sprintf("Reminder (%s): your ratings of %s are waiting until %s.", label, subject, longDate(l, closes))
}

// rateData is the chat's button data that starts rating a consumer
// ("r:<code>", flows' encoding); "" when too long for a button.
func rateButton(l, subject string) [][]flows.Button {
	data, ok := questionnaires.RateCallbackData(subject)
	if !ok {
		return nil
	}
	text := "Rate " + subject
	if lang(l) == "nb" {
		text = "Vurder " + subject
	}
	return [][]flows.Button{{{Text: text, Data: data}}}
}

// escalationText tells a coordinator what a subject still misses.
func escalationText(l, label, subject string, due time.Time, m missing, clinician string) string {
	var parts []string
	if len(m.self) > 0 {
		parts = append(parts, fmt.Sprintf("%s: %s", subject, strings.Join(m.self, ", ")))
	}
	if len(m.ratings) > 0 {
		who := clinician
		if who == "" {
			who = "?"
		}
		if lang(l) == "nb" {
			parts = append(parts, fmt.Sprintf("vurderinger av %s fra %s: %s", subject, who, strings.Join(m.ratings, ", ")))
		} else {
			parts = append(parts, fmt.Sprintf("ratings of %s by %s: %s", subject, who, strings.Join(m.ratings, ", ")))
		}
	}
	if lang(l) == "nb" {
		return fmt.Sprintf("Mangler fortsatt, 21 dager etter fristen (%s, frist %s): %s.", label, due.Format(time.DateOnly), strings.Join(parts, "; "))
	}
	return fmt.Sprintf("Still missing 21 days after the due date (%s, due %s): %s.", label, due.Format(time.DateOnly), strings.Join(parts, "; "))
}

// unreachableText tells a coordinator that a participant cannot be reached.
func unreachableText(l, subject string) string {
	if lang(l) == "nb" {
		return fmt.Sprintf("%s kan ikke lenger nås på Telegram (har blokkert boten eller slettet kontoen). Påminnelser til dem er stanset.", subject)
	}
	return fmt.Sprintf("%s can no longer be reached on Telegram (they blocked the bot or deleted their account). Reminders to them have stopped.", subject)
}
