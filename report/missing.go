package report

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/imrbot/imrbot/questionnaires"
)

// Missing codes say why an item has no answer to analyse. They are
// negative and far below every scale the study uses, and WideTable refuses
// definitions in which one is a valid answer, so a code is never a value.
const (
	MissingSkipped    = -91 // the respondent skipped the item (/skip, or empty on paper)
	MissingNotAsked   = -92 // the item was not asked: its show_if was not met
	MissingNotKnown   = -93 // answered with a code that means not known (HoNOS 9)
	MissingNotReached = -94 // the assessment expired before the item was reached
)

// MissingCodes labels the missing codes, in order; the codebook and every
// loader declare them.
var MissingCodes = []ValueLabel{
	{strconv.Itoa(MissingSkipped), "Skipped"},
	{strconv.Itoa(MissingNotAsked), "Not asked (branching)"},
	{strconv.Itoa(MissingNotKnown), "Not known"},
	{strconv.Itoa(MissingNotReached), "Not reached (assessment expired)"},
}

// MissingNote is what the codebook says about missing values.
var MissingNote = fmt.Sprintf("Missing values: in the wide export a numeric item cell holds %d when the item was skipped, "+
	"%d when it was not asked (its branching condition was not met), %d when it was answered not known "+
	"(a code the questionnaire leaves out of its scores, such as HoNOS 9, or an item's own answer for no rating, such as GAF 0), and %d when the assessment expired before the item was reached; "+
	"an empty cell is an assessment not started or still in progress. Text items are empty whatever the reason. "+
	"The long export has a row only for an answer given: its missing column is %d for a skip (value empty) and %d for not known "+
	"(value keeps the code answered, e.g. 9). The R, SPSS and Stata syntax declare the codes as missing values with these labels.",
	MissingSkipped, MissingNotAsked, MissingNotKnown, MissingNotReached, MissingSkipped, MissingNotKnown)

// missingCell is the wide cell of an item of assessment a (nil: none at
// that timepoint): the raw answer, a missing code, or "" when nothing is
// known yet. Text items never hold a code (see MissingNote).
func missingCell(q *questionnaires.Questionnaire, i int, a *assessment, answers map[string]string) string {
	if a == nil {
		return ""
	}
	it := &q.Items[i]
	v, answered := a.Answers[it.ID]
	numeric := it.Type == questionnaires.TypeChoice || it.Type == questionnaires.TypeInteger
	switch {
	case answered && v != nil && numeric && notKnown(q, it, *v):
		return strconv.Itoa(MissingNotKnown)
	case answered && v != nil:
		return *v
	case !numeric:
		return ""
	case answered:
		return strconv.Itoa(MissingSkipped)
	case !q.Visible(i, answers):
		return strconv.Itoa(MissingNotAsked)
	case a.Status == "expired":
		return strconv.Itoa(MissingNotReached)
	}
	return ""
}

// longMissing is the long export's missing cell for one answer: skipped
// (no value) or not known, else "".
func longMissing(q *questionnaires.Questionnaire, item string, value *string) string {
	if value == nil {
		return strconv.Itoa(MissingSkipped)
	}
	if q == nil {
		return ""
	}
	if it, _, found := q.Item(item); found && notKnown(q, it, *value) {
		return strconv.Itoa(MissingNotKnown)
	}
	return ""
}

// notKnown reports whether raw is an answer that means no rating could be
// given: a code the questionnaire's scoring leaves out (exclude_codes:
// HoNOS 9 = not known) on a choice item a score counts, or one of the
// item's own missing answers (GAF 0 = insufficient information).
func notKnown(q *questionnaires.Questionnaire, it *questionnaires.Item, raw string) bool {
	if it.Type != questionnaires.TypeChoice && it.Type != questionnaires.TypeInteger {
		return false
	}
	code, err := strconv.Atoi(strings.TrimSpace(raw))
	if err != nil {
		return false
	}
	excluded := q.Scoring != nil && it.Type == questionnaires.TypeChoice &&
		slices.Contains(q.Scoring.ExcludeCodes, code) && q.Scored(it.ID)
	return excluded || slices.Contains(it.Missing, code)
}

// checkMissingCodes refuses definitions in which a missing code is a valid
// answer, since the code would then be read as that answer.
func checkMissingCodes(order []*questionnaires.Questionnaire) error {
	for _, q := range order {
		for _, it := range q.Items {
			for _, m := range MissingCodes {
				code, _ := strconv.Atoi(m.Value)
				valid := false
				switch it.Type {
				case questionnaires.TypeChoice:
					valid = slices.ContainsFunc(it.Options, func(o questionnaires.Option) bool { return o.Code == code })
				case questionnaires.TypeInteger:
					valid = (it.Min == nil || *it.Min <= code) && (it.Max == nil || code <= *it.Max)
				}
				if valid {
					return fmt.Errorf("report.WideTable: %s item %s takes %d, which the exports use as the missing code %q: change the item's codes or range", q.ID, it.ID, code, m.Label)
				}
			}
		}
	}
	return nil
}
