// Package questionnaires owns the study's instruments and protocol as data:
// the YAML definition format, the embedded default study, loading with
// per-directory overrides, linting, and scoring. It imports nothing of ours.
package questionnaires

// Languages every text the bot says must be given in.
var Languages = []string{"en", "nb"}

// Text is a text per language code ("en", "nb").
type Text map[string]string

// In returns the text in lang, falling back to English and then to any
// language present, so a missing translation never yields an empty message.
func (t Text) In(lang string) string {
	if s, ok := t[lang]; ok && s != "" {
		return s
	}
	if s, ok := t["en"]; ok && s != "" {
		return s
	}
	for _, s := range t {
		if s != "" {
			return s
		}
	}
	return ""
}

// Role is a participant's role in the study.
type Role string

const (
	RoleConsumer    Role = "consumer"
	RoleClinician   Role = "clinician"
	RoleCoordinator Role = "coordinator"
	// RoleAssessor is an external fidelity rater: invited at a site for
	// administration, they rate every site and every clinician.
	RoleAssessor Role = "assessor"
)

// Subject says whom a questionnaire is about, seen from its respondent.
type Subject string

const (
	SubjectSelf      Subject = "self"      // the respondent answers about themself
	SubjectConsumer  Subject = "consumer"  // a clinician rates one of their consumers
	SubjectSite      Subject = "site"      // a site is rated (by an assessor, or else its coordinator)
	SubjectClinician Subject = "clinician" // an assessor rates a clinician
)

// ItemType is how an item is answered.
type ItemType string

const (
	TypeChoice  ItemType = "choice"  // one option, by button or by typing its code
	TypeInteger ItemType = "integer" // a typed whole number within Min..Max
	TypeText    ItemType = "text"    // free text
)

// Option is one answer of a choice item: the numeric code stored and exported,
// and its label.
type Option struct {
	Code  int  `json:"code" yaml:"code"`
	Label Text `json:"label" yaml:"label"`
	Line  int  `json:"-" yaml:"-"` // line in its source file, for lint messages
}

// Condition shows an item only when an earlier item's answer is one of In.
type Condition struct {
	Item string `json:"item" yaml:"item"`
	In   []int  `json:"in" yaml:"in"`
}

// Item is one question.
type Item struct {
	ID        string     `json:"id"`
	Type      ItemType   `json:"type"`
	Text      Text       `json:"text"`
	OptionSet string     `json:"option_set,omitempty"` // name of a shared set, resolved into Options on load
	Options   []Option   `json:"options,omitempty"`
	Min       *int       `json:"min,omitempty"`
	Max       *int       `json:"max,omitempty"`
	Optional  bool       `json:"optional"`
	ShowIf    *Condition `json:"show_if,omitempty"`
	Reverse   bool       `json:"reverse,omitempty"`
	// Missing are answers the item takes that mean no rating could be
	// given (GAF 0 = insufficient information): stored and exported as
	// answered, never counted in a score.
	Missing []int `json:"missing,omitempty"`
	Line    int   `json:"-"` // line in its source file, for lint messages

	lines map[string]int // line of each key, for lint messages
}

// Questionnaire is one instrument at one version.
type Questionnaire struct {
	ID         string   `json:"id"`
	Version    string   `json:"version"`
	Wording    string   `json:"wording"` // "placeholder" or "validated"
	Title      Text     `json:"title"`
	Intro      Text     `json:"intro"`
	Respondent Role     `json:"respondent"`
	Subject    Subject  `json:"subject"`
	Recall     Text     `json:"recall,omitempty"`
	Items      []Item   `json:"items"`
	Scoring    *Scoring `json:"scoring,omitempty"`
	Source     string   `json:"-"` // file it was loaded from
	Line       int      `json:"-"` // line of its id in Source, for lint messages

	lines map[string]int // line of each top-level key, for lint messages
}

// Scoring says how answers become scores.
type Scoring struct {
	// ExcludeCodes are option codes that count as missing in every score
	// (HoNOS 9 = not known).
	ExcludeCodes []int   `json:"exclude_codes,omitempty"`
	Scores       []Score `json:"scores"`
}

// Score is a total or subscale.
type Score struct {
	ID     string   `json:"id"`
	Label  Text     `json:"label"`
	Method string   `json:"method"` // "sum" or "mean"
	Items  []string `json:"items"`  // empty: every scored item
	// MaxMissing is how many items may be missing before there is no score.
	MaxMissing int `json:"max_missing"`
	// Prorate asks for a sum with missing items to be prorated (mean of the
	// answered items times the number of items); without it a sum is the sum
	// of the items answered (HoNOS's rule), reported with their count.
	Prorate bool `json:"prorate,omitempty"`
	// Better is which way the score improves: BetterHigher ("", the
	// default) or BetterLower (HoNOS: higher is more severe).
	Better string `json:"better,omitempty"`
	Bands  []Band `json:"bands,omitempty"`
	Line   int    `json:"-"` // line in its source file, for lint messages
}

// Which way a score improves (Score.Better).
const (
	BetterHigher = "higher"
	BetterLower  = "lower"
)

// LowerIsBetter: the score improves as it falls.
func (s *Score) LowerIsBetter() bool { return s.Better == BetterLower }

// Band labels a score range: a score belongs to the band with the highest Min
// not above it.
type Band struct {
	ID    string  `json:"id"`
	Min   float64 `json:"min"`
	Label Text    `json:"label"`
	Line  int     `json:"-"` // line in its source file, for lint messages
}

// Protocol is the study protocol: timepoints, and who answers what.
type Protocol struct {
	Timepoints []Timepoint `json:"timepoints"`
	Batteries  []Battery   `json:"batteries"`
	Source     string      `json:"-"` // file it was loaded from
}

// Timepoint is a data collection point relative to the baseline date.
type Timepoint struct {
	ID     string `json:"id"`
	Label  Text   `json:"label"`
	Months int    `json:"months"` // calendar months after baseline; 0 for baseline
	// OpensBeforeDays: the window opens this many days before the due date
	// (baseline opens at consent regardless). ClosesAfterDays: it closes this
	// many days after the due date.
	OpensBeforeDays int `json:"opens_before_days"`
	ClosesAfterDays int `json:"closes_after_days"`
	Line            int `json:"-"` // line in its source file, for lint messages
}

// Battery lists the questionnaires a role answers about a subject at
// timepoints, in the order they are asked.
type Battery struct {
	Role           Role     `json:"role"`
	Subject        Subject  `json:"subject"`
	Timepoints     []string `json:"timepoints"`
	Questionnaires []string `json:"questionnaires"`
	Line           int      `json:"-"` // line in its source file, for lint messages
}

// Catalog is a loaded study: every questionnaire by id, the protocol, and
// the study text (consent and study information).
type Catalog struct {
	Questionnaires map[string]*Questionnaire
	Protocol       Protocol
	Study          Study
}
