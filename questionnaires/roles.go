package questionnaires

import (
	"slices"
	"strings"
)

// This file holds who answers about whom: the roles and subjects a
// definition may name, and the rule that lets an external assessor take
// the site's coordinator's place in rating the site.

// Roles are every participant role, in the order the CLI lists them (the
// participants table's CHECK lists the same).
var Roles = []Role{RoleConsumer, RoleClinician, RoleCoordinator, RoleAssessor}

// Subjects are whom a questionnaire may be about.
var Subjects = []Subject{SubjectSelf, SubjectConsumer, SubjectSite, SubjectClinician}

var (
	roleList    = joinOr(Roles)
	subjectList = joinOr(Subjects)
)

func joinOr[T ~string](xs []T) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = string(x)
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

// mayAnswer reports whether a battery of role may hold q: the role q names
// as its respondent, or an assessor for a site questionnaire whose
// respondent is the coordinator (an external rater takes the place of the
// site's own, as the study's fidelity ratings were made).
func mayAnswer(role Role, q *Questionnaire) bool {
	return q.Respondent == role ||
		role == RoleAssessor && q.Respondent == RoleCoordinator && q.Subject == SubjectSite
}

// CoordinatorRatesSite is the one rule for whether a site's coordinator
// is asked for a site rating (a questionnaire at a timepoint): always in a
// study without assessors; once an assessor takes part (consented in the
// chat, not withdrawn), only to finish a rating they had started, so that
// no answer given is lost and no site is rated twice from scratch.
func CoordinatorRatesSite(assessorsInStudy, started bool) bool {
	return !assessorsInStudy || started
}

// RatesOthers reports whether role rates other participants or sites from
// a list (/rate): clinicians their consumers, assessors sites and
// clinicians.
func RatesOthers(role Role) bool {
	return slices.Contains([]Role{RoleClinician, RoleAssessor}, role)
}
