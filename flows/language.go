package flows

import (
	"slices"
	"strings"

	"github.com/imrbot/imrbot/questionnaires"
)

// languageMenu offers the languages; each is named in itself, so the menu
// reads the same whatever language the chat is in.
func (s *step) languageMenu() {
	s.st.Phase = PhaseLanguage
	s.menu(s.t(msgLanguageChoose), [][]Button{
		{{Text: "English", Data: questionnaires.LanguageCallbackData("en")}},
		{{Text: "Norsk (bokmål)", Data: questionnaires.LanguageCallbackData("nb")}},
	})
}

// setLanguage stores the choice and returns to what was going on.
func (s *step) setLanguage(lang string) {
	s.editPrompt(s.t(msgLanguageChoose) + "\n✓ " + languageName(lang))
	s.st.Lang = lang
	s.effect(SetLanguage{Lang: lang})
	s.send(s.t(msgLanguageSet))
	s.carryOn()
}

func knownLanguage(l string) bool { return slices.Contains(questionnaires.Languages, l) }

func languageName(l string) string {
	if l == "nb" {
		return "Norsk (bokmål)"
	}
	return "English"
}

// languageNamed reads a typed language choice ("nb", "norsk", "English").
func languageNamed(text string) (string, bool) {
	switch strings.ToLower(strings.TrimSpace(text)) {
	case "en", "english", "engelsk":
		return "en", true
	case "nb", "no", "norsk", "bokmål", "bokmal", "norwegian":
		return "nb", true
	}
	return "", false
}

// Language is a participant's language: the coordinator's choice
// at invitation, else the Telegram app's (Norwegian in any form is bokmål).
func Language(chosen, app string) string {
	if chosen == "en" || chosen == "nb" {
		return chosen
	}
	switch strings.ToLower(app) {
	case "nb", "nn", "no":
		return "nb"
	}
	if strings.HasPrefix(strings.ToLower(app), "nb-") || strings.HasPrefix(strings.ToLower(app), "no-") {
		return "nb"
	}
	return "en"
}
