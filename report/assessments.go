package report

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// assessment is one questionnaire about one subject at one timepoint, as
// the wide export and the report see it: the current answers of one
// respondent.
type assessment struct {
	Participant   string // the subject's code
	SubjectRole   string
	Site          string
	Timepoint     string
	Questionnaire string
	Respondent    string
	Version       string
	Status        string
	Answers       map[string]*string // item -> raw value; nil: skipped
	Latest        time.Time          // the latest answer's time
}

type assessmentKey struct{ participant, timepoint, questionnaire string }

// collectAssessments groups current answers by subject, timepoint and
// questionnaire. Two respondents answering one questionnaire about one
// subject at one timepoint (two clinicians rating a consumer) cannot share
// a wide row: the completed one is kept, then the one answered last; each
// such choice is returned as a warning so it is never silent. The long
// export keeps every rating.
func collectAssessments(answers []store.ExportAnswer) (map[assessmentKey]*assessment, []string) {
	type byRespondent struct {
		assessmentKey
		respondent string
	}
	all := map[byRespondent]*assessment{}
	for _, a := range answers {
		k := byRespondent{assessmentKey{a.Participant, a.Timepoint, a.Questionnaire}, a.Respondent}
		x, ok := all[k]
		if !ok {
			x = &assessment{
				Participant: a.Participant, SubjectRole: a.SubjectRole, Site: a.Site,
				Timepoint: a.Timepoint, Questionnaire: a.Questionnaire, Respondent: a.Respondent,
				Version: a.Version, Status: a.Status, Answers: map[string]*string{},
			}
			all[k] = x
		}
		var v *string
		if a.Value.Valid {
			s := a.Value.String
			v = &s
		}
		x.Answers[a.Item] = v
		if a.AnsweredAt.After(x.Latest) {
			x.Latest = a.AnsweredAt
		}
	}
	out := map[assessmentKey]*assessment{}
	var warnings []string
	keys := slices.SortedFunc(maps.Keys(all), func(a, b byRespondent) int {
		return compareStrings(
			[]string{a.participant, a.timepoint, a.questionnaire, a.respondent},
			[]string{b.participant, b.timepoint, b.questionnaire, b.respondent})
	})
	for _, k := range keys {
		x := all[k]
		kept, ok := out[k.assessmentKey]
		if !ok {
			out[k.assessmentKey] = x
			continue
		}
		if preferred(x, kept) {
			out[k.assessmentKey] = x
			x, kept = kept, x
		}
		warnings = append(warnings, fmt.Sprintf(
			"%s %s %s was answered by both %s and %s: the wide export and the report use %s's",
			k.participant, k.questionnaire, k.timepoint, kept.Respondent, x.Respondent, kept.Respondent))
	}
	return out, warnings
}

// preferred reports whether a should be kept over b.
func preferred(a, b *assessment) bool {
	if (a.Status == "completed") != (b.Status == "completed") {
		return a.Status == "completed"
	}
	if !a.Latest.Equal(b.Latest) {
		return a.Latest.After(b.Latest)
	}
	return a.Respondent < b.Respondent
}

func compareStrings(a, b []string) int {
	for i := range a {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

// scores computes the assessment's scores by the questionnaire's rules.
func (a *assessment) scores(q *questionnaires.Questionnaire) []questionnaires.ScoreResult {
	answers := make(map[string]string, len(a.Answers))
	for item, v := range a.Answers {
		if v != nil {
			answers[item] = *v
		}
	}
	return q.Score(answers)
}
