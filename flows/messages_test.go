package flows

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/imrbot/imrbot/questionnaires"
)

var verb = regexp.MustCompile(`%[a-z]`)

// TestMessagesComplete: every message id declared has a text in every
// language, with the same formatting verbs in the same order, no id is
// declared or given texts twice, and the catalogue has nothing undeclared.
func TestMessagesComplete(t *testing.T) {
	declared := declaredMessageIDs(t)
	if len(declared) < 50 {
		t.Fatalf("found only %d message ids in messages*.go", len(declared))
	}
	seen := map[MsgID]bool{}
	for _, id := range declared {
		if seen[id] {
			t.Errorf("message id %q is declared twice", id)
		}
		seen[id] = true
	}
	if n := len(aroundMessages) + len(chatMessages) + len(reminderMessages) + len(coordinatorMessages) + len(studyMessages) + len(rosterMessages) + len(assessorMessages); n != len(messages) {
		t.Errorf("the subjects' maps hold %d texts, the catalogue %d: an id is in two of them", n, len(messages))
	}
	for _, id := range declared {
		text, ok := messages[id]
		if !ok {
			t.Errorf("message %s has no texts", id)
			continue
		}
		want := verb.FindAllString(text["en"], -1)
		for _, lang := range questionnaires.Languages {
			s := text[lang]
			if strings.TrimSpace(s) == "" {
				t.Errorf("message %s has no %s text", id, lang)
			}
			if got := verb.FindAllString(s, -1); !slices.Equal(got, want) {
				t.Errorf("message %s: %s verbs %v, en verbs %v", id, lang, got, want)
			}
		}
		if len(text) != len(questionnaires.Languages) {
			t.Errorf("message %s has texts in %d languages, want %d", id, len(text), len(questionnaires.Languages))
		}
	}
	for id := range messages {
		if !slices.Contains(declared, id) {
			t.Errorf("message %s is in the map but not declared", id)
		}
	}
}

// declaredMessageIDs reads the MsgID constants from the catalogue's files
// (messages.go and messages_*.go).
func declaredMessageIDs(t *testing.T) []MsgID {
	files, err := filepath.Glob("messages*.go")
	if err != nil {
		t.Fatal(err)
	}
	var ids []MsgID
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, spec := range g.Specs {
				v := spec.(*ast.ValueSpec)
				if id, ok := v.Type.(*ast.Ident); !ok || id.Name != "MsgID" {
					continue
				}
				for _, val := range v.Values {
					lit := val.(*ast.BasicLit)
					ids = append(ids, MsgID(strings.Trim(lit.Value, `"`)))
				}
			}
		}
	}
	return ids
}

// TestContractButtons: the button texts the contract names.
func TestContractButtons(t *testing.T) {
	for _, c := range []struct {
		id     MsgID
		en, nb string
	}{
		{msgConsentYes, "I agree", "Jeg samtykker"},
		{msgWithdrawYes, "Yes, withdraw", "Ja, trekk meg"},
		{msgKeepAnswers, "Keep my answers", "Behold svarene"},
		{msgEraseAnswers, "Erase my answers", "Slett svarene"},
	} {
		if got := render("en", c.id); !strings.HasPrefix(got, c.en) {
			t.Errorf("%s en = %q, want it to begin %q", c.id, got, c.en)
		}
		if got := render("nb", c.id); !strings.HasPrefix(got, c.nb) {
			t.Errorf("%s nb = %q, want it to begin %q", c.id, got, c.nb)
		}
	}
	// The other button of each pair must not begin like the contract's, or
	// a test (or a person) looking for it could take the wrong one.
	for _, lang := range questionnaires.Languages {
		if strings.HasPrefix(render(lang, msgConsentNo), render(lang, msgConsentYes)) {
			t.Errorf("%s: decline button begins like the accept button", lang)
		}
		if strings.HasPrefix(render(lang, msgWithdrawNo), render(lang, msgWithdrawYes)) {
			t.Errorf("%s: cancel button begins like the withdraw button", lang)
		}
	}
}
