package questionnaires

import (
	"maps"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// StudyFile is the name of the study text file, in defs/ and in an override
// directory: the consent and the study information shown with it.
const StudyFile = "study.yaml"

// Wording statuses of a definition: placeholder text written to stand in
// until the study loads its own, or the study's validated text.
const (
	WordingPlaceholder = "placeholder"
	WordingValidated   = "validated"
)

// Study is the study text: the versioned consent participants agree to and
// the study information shown with it, each in every language.
type Study struct {
	Wording string  `json:"wording"` // WordingPlaceholder or WordingValidated
	Consent Consent `json:"consent"`
	// Contact is whom participants ask about the study (name, phone, mail).
	Contact Text `json:"contact"`
	// EthicsApproval names the committee and reference that approved it.
	EthicsApproval Text `json:"ethics_approval"`
	// DataController is the institution responsible for the data.
	DataController Text `json:"data_controller"`
	// InformationLetter is the URL of the full information letter.
	InformationLetter Text   `json:"information_letter"`
	Source            string `json:"-"` // file it was loaded from

	lines map[string]int // line of each top-level key, for lint messages
}

// Consent is the versioned consent text participants agree to. A new
// version asks everyone who agreed to an older one again.
type Consent struct {
	Version string `json:"version"`
	Text    Text   `json:"text"`
	Line    int    `json:"-"` // line in its source file, for lint messages
}

// Placeholder reports whether the study text is an example still to be
// replaced.
func (s *Study) Placeholder() bool { return s.Wording != WordingValidated }

// Placeholder reports whether the questionnaire's wording stands in for
// the validated wording.
func (q *Questionnaire) Placeholder() bool { return q.Wording != WordingValidated }

// InUse lists the questionnaires the protocol's batteries ask, each once,
// in the order the batteries first name them.
func (c *Catalog) InUse() []*Questionnaire {
	var out []*Questionnaire
	seen := map[string]bool{}
	for _, b := range c.Protocol.Batteries {
		for _, id := range b.Questionnaires {
			if q, ok := c.Questionnaires[id]; ok && !seen[id] {
				seen[id] = true
				out = append(out, q)
			}
		}
	}
	return out
}

// Placeholders lists the questionnaires whose wording is a placeholder, by
// id: what a study must replace before its data can be trusted.
func (c *Catalog) Placeholders() []*Questionnaire {
	var out []*Questionnaire
	for _, id := range slices.Sorted(maps.Keys(c.Questionnaires)) {
		if q := c.Questionnaires[id]; q.Placeholder() {
			out = append(out, q)
		}
	}
	return out
}

// studyKeys are the study file's keys, in the order its messages name them.
var studyKeys = []string{"wording", "consent", "contact", "ethics_approval", "data_controller", "information_letter"}

// parseStudy reads the study text file.
func parseStudy(file string, data []byte) (*Study, []Problem) {
	r := &reader{file: file}
	root := r.document(data)
	if root == nil {
		return nil, r.problems
	}
	if root.Kind != yaml.MappingNode {
		r.errorf(root.Line, "the study text must be a mapping of keys (%s)", strings.Join(studyKeys, ", "))
		return nil, r.problems
	}
	f := r.mapping(root, "study", studyKeys...)
	s := &Study{Source: file, lines: lineMap(f)}
	s.Wording = r.str(f["wording"].val, "wording")
	if e, ok := f["consent"]; ok && !isNull(e.val) {
		cf := r.mapping(e.val, "consent", "version", "text")
		s.Consent = Consent{
			Version: r.str(cf["version"].val, "consent: version"),
			Text:    r.text(cf["text"].val, "consent: text"),
			Line:    e.line,
		}
	}
	s.Contact = r.text(f["contact"].val, "contact")
	s.EthicsApproval = r.text(f["ethics_approval"].val, "ethics_approval")
	s.DataController = r.text(f["data_controller"].val, "data_controller")
	s.InformationLetter = r.text(f["information_letter"].val, "information_letter")
	return s, r.problems
}

// maxStudyLen leaves room in Telegram's 4096-character message for the
// labels and the hint the consent message adds around the study text.
const maxStudyLen = 3700

// lintStudy checks that the study text has every field in every language;
// the consent message shows them all.
func lintStudy(s *Study) []Problem {
	if s.Source == "" {
		return []Problem{{File: StudyFile, Msg: "the study has no study text (consent, contact, ethics approval, data controller, information letter)"}}
	}
	l := &linter{file: s.Source}
	line := func(key string) int {
		if n, ok := s.lines[key]; ok {
			return n
		}
		return 1
	}
	if s.Wording != WordingPlaceholder && s.Wording != WordingValidated {
		l.errorf(line("wording"), `wording must be "placeholder" or "validated", not %q`, s.Wording)
	}
	if _, ok := s.lines["consent"]; !ok {
		l.errorf(1, "consent is missing")
	} else {
		if s.Consent.Version == "" {
			l.errorf(s.Consent.Line, "consent: version is missing")
		}
		l.text(s.Consent.Line, "consent: text", s.Consent.Text, true)
	}
	l.text(line("contact"), "contact", s.Contact, true)
	l.text(line("ethics_approval"), "ethics_approval", s.EthicsApproval, true)
	l.text(line("data_controller"), "data_controller", s.DataController, true)
	l.text(line("information_letter"), "information_letter", s.InformationLetter, true)
	for _, lang := range Languages {
		if u := strings.TrimSpace(s.InformationLetter[lang]); u != "" && !webURL(u) {
			l.errorf(line("information_letter"), "information_letter (%s) %q: want an http or https URL", lang, u)
		}
		n := 0
		for _, t := range []Text{s.Consent.Text, s.Contact, s.EthicsApproval, s.DataController, s.InformationLetter} {
			n += utf8.RuneCountInString(t[lang])
		}
		if n > maxStudyLen {
			l.errorf(s.Consent.Line, "the consent text and study information (%s) together are %d characters, more than the %d a Telegram message has room for", lang, n, maxStudyLen)
		}
	}
	return l.problems
}

// webURL reports whether s is an absolute http or https URL, which Telegram
// shows as a link.
func webURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && !strings.ContainsAny(s, " \t\n")
}
