package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/lib/pq"

	"github.com/imrbot/imrbot/questionnaires"
)

// This file counts a cohort without listing it: participants grouped by
// every fact that the roster status (questionnaires.RosterStatus) and the
// completion and follow-up rules (reminders) read, so that the desk's
// overview and /status apply those rules once per group, never per person.

// BatteryItem is one questionnaire of one timepoint of the protocol.
type BatteryItem struct{ Timepoint, Questionnaire string }

// MaxBatteryItems is how many items CohortGroups tells apart (one bit of
// a bigint each).
const MaxBatteryItems = 63

// CohortGroup is N participants of one site alike in every fact below.
type CohortGroup struct {
	N            int          `db:"n"`
	Site         string       `db:"site"`
	Timezone     string       `db:"timezone"`
	Role         string       `db:"role"`
	Status       string       `db:"status"` // the stored questionnaires.ParticipantStatus
	BaselineDate sql.NullTime `db:"baseline_date"`
	HasClinician bool         `db:"has_clinician"`
	// Linked: a chat is linked to them. Consented, InStudy and Declined
	// are ScheduleParticipant's and RosterEntry's (consentedSQL, inStudySQL,
	// declinedSQL).
	Linked    bool `db:"linked"`
	Consented bool `db:"consented"`
	InStudy   bool `db:"in_study"`
	Declined  bool `db:"declined"`
	// InviteOpenUntil is the latest expiry of an open invitation of one of
	// them. A group holds only participants whose invitation is open at
	// the now CohortGroups was given, or only others, so that any one of
	// their expiries answers "open at now" for all.
	InviteOpenUntil sql.NullTime `db:"invite_open_until"`
	// Their clinician's facts, when they have one.
	ClinicianStatus    sql.NullString `db:"clinician_status"`
	ClinicianRole      sql.NullString `db:"clinician_role"`
	ClinicianLinked    bool           `db:"clinician_linked"`
	ClinicianConsented bool           `db:"clinician_consented"`
	// SelfDone and RatedDone are the completed assessments about them, by
	// themselves and by their clinician: bit i stands for keys[i].
	SelfDone  int64 `db:"self_done"`
	RatedDone int64 `db:"rated_done"`
}

// FollowedUp: FollowUpParticipants lists them (not withdrawn, with a
// baseline date).
func (g *CohortGroup) FollowedUp() bool { return g.Status != "withdrawn" && g.BaselineDate.Valid }

// RosterFacts are what questionnaires.RosterStatus needs of each of the
// group's participants at the now the group was counted at.
func (g *CohortGroup) RosterFacts() questionnaires.RosterFacts {
	return RosterEntry{Status: g.Status, BaselineDate: g.BaselineDate, Linked: g.Linked,
		Declined: g.Declined, InviteOpenUntil: g.InviteOpenUntil}.Facts()
}

// Members are participants standing for the group as ScheduleParticipants
// (with the ids given, which must differ): the subject, and their
// clinician (nil when they have none).
func (g *CohortGroup) Members(subjectID, clinicianID int64) (subject, clinician *ScheduleParticipant) {
	subject = &ScheduleParticipant{
		ID: subjectID, Site: g.Site, Role: g.Role, Status: g.Status, BaselineDate: g.BaselineDate,
		ClinicianID: sql.NullInt64{Int64: clinicianID, Valid: g.HasClinician}, Timezone: g.Timezone,
		Consented: g.Consented, InStudy: g.InStudy, ChatID: sql.NullInt64{Int64: subjectID, Valid: g.Linked},
	}
	if g.HasClinician && g.ClinicianStatus.Valid {
		clinician = &ScheduleParticipant{
			ID: clinicianID, Site: g.Site, Role: g.ClinicianRole.String, Status: g.ClinicianStatus.String,
			Timezone: g.Timezone, Consented: g.ClinicianConsented,
			ChatID: sql.NullInt64{Int64: clinicianID, Valid: g.ClinicianLinked},
		}
	}
	return subject, clinician
}

// decidedBy rewrites a consent rule of participants.go (consentedSQL ...)
// to read the latest decision from col, cohort_facts' agreed column,
// instead of a subquery per participant: the rule keeps its one home and
// the count reads consents not at all.
func decidedBy(rule, col string) string {
	if !strings.Contains(rule, latestDecisionSQL) {
		panic("store: a consent rule no longer reads latestDecisionSQL: " + rule)
	}
	return strings.ReplaceAll(rule, latestDecisionSQL, col)
}

// cohortGroupsQuery reads the groups of cohort_counts (aliased p, so that
// the consent rules read its baseline_date as a participants row's) with
// the facts of the clinician each names, looked up by primary key.
var cohortGroupsQuery = `
	SELECT p.n, p.site, s.timezone, p.role, p.status, p.baseline_date,
	       p.clinician_id IS NOT NULL AS has_clinician, p.linked,
	       ` + decidedBy(consentedSQL, "p.agreed") + ` AS consented,
	       ` + decidedBy(inStudySQL, "p.agreed") + ` AS in_study,
	       ` + decidedBy(declinedSQL, "p.agreed") + ` AS declined,
	       p.invite_until AS invite_open_until,
	       k.status AS clinician_status, k.role AS clinician_role,
	       coalesce(k.linked, false) AS clinician_linked,
	       ` + decidedBy(consentedSQL, "k.agreed") + ` AS clinician_consented,
	       p.self_done AS self_done_keys, p.rated_done AS rated_done_keys
	FROM cohort_counts p
	JOIN sites s ON s.code = p.site
	LEFT JOIN cohort_facts k ON k.participant_id = p.clinician_id
	WHERE p.site = ANY($1)
	ORDER BY p.site`

// cohortGroupRow is a row of cohortGroupsQuery: a group with its
// completed assessments as doneKeysSQL writes them.
type cohortGroupRow struct {
	CohortGroup
	SelfDoneKeys  string `db:"self_done_keys"`
	RatedDoneKeys string `db:"rated_done_keys"`
}

// CohortGroups counts the participants of sites by the facts of
// CohortGroup, telling apart the completed assessments of keys (at most
// MaxBatteryItems) and invitations open at now. It first brings the
// counts up to date (RefreshCohortFacts), then reads them: its cost
// follows the number of groups, not of participants.
func (s *Store) CohortGroups(ctx context.Context, sites []string, keys []BatteryItem, now time.Time) (_ []CohortGroup, err error) {
	defer wrap(&err, "Store.CohortGroups")
	if len(keys) > MaxBatteryItems {
		return nil, fmt.Errorf("%d assessment keys, at most %d", len(keys), MaxBatteryItems)
	}
	if _, err := s.RefreshCohortFacts(ctx); err != nil {
		return nil, err
	}
	// Sized beforehand: growing the groups and their index ten thousand
	// rows at a time cost a sixth of the overview's time.
	var n int
	if err := s.db.GetContext(ctx, &n, `SELECT count(*) FROM cohort_counts WHERE site = ANY($1)`, pq.Array(sites)); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryxContext(ctx, cohortGroupsQuery, pq.Array(sites))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := newCohortMerge(keys, now, n)
	var r cohortGroupRow
	for rows.Next() {
		if err := rows.StructScan(&r); err != nil {
			return nil, err
		}
		m.add(&r)
	}
	return m.groups, rows.Err()
}

// cohortMerge turns cohortGroupsQuery's rows into CohortGroups: rows alike
// once their completions are read as bits of keys and their invitations
// as open or not at now are one group, with the latest expiry.
type cohortMerge struct {
	bit    map[string]int64 // doneKey -> its bit
	now    time.Time
	groups []CohortGroup
	index  map[cohortGroupKey]int
}

// cohortGroupKey is a CohortGroup without its number, dates and expiry,
// which go in as comparable values.
type cohortGroupKey struct {
	CohortGroup
	baseline   int64 // BaselineDate in Unix seconds: times do not compare with ==
	inviteOpen bool
}

// newCohortMerge merges about rows rows.
func newCohortMerge(keys []BatteryItem, now time.Time, rows int) *cohortMerge {
	m := &cohortMerge{bit: make(map[string]int64, len(keys)), now: now,
		groups: make([]CohortGroup, 0, rows), index: make(map[cohortGroupKey]int, rows)}
	for i, k := range keys {
		m.bit[doneKey(k)] = 1 << i
	}
	return m
}

func (m *cohortMerge) bits(done string) (b int64) {
	for k := range strings.FieldsSeq(done) {
		b |= m.bit[k]
	}
	return b
}

func (m *cohortMerge) add(r *cohortGroupRow) {
	g := r.CohortGroup
	g.SelfDone, g.RatedDone = m.bits(r.SelfDoneKeys), m.bits(r.RatedDoneKeys)
	k := cohortGroupKey{CohortGroup: g, baseline: g.BaselineDate.Time.Unix(),
		inviteOpen: g.InviteOpenUntil.Valid && g.InviteOpenUntil.Time.After(m.now)}
	k.N, k.BaselineDate.Time, k.InviteOpenUntil = 0, time.Time{}, sql.NullTime{}
	i, ok := m.index[k]
	if !ok {
		m.index[k] = len(m.groups)
		m.groups = append(m.groups, g)
		return
	}
	to := &m.groups[i]
	to.N += g.N
	if g.InviteOpenUntil.Valid && (!to.InviteOpenUntil.Valid || g.InviteOpenUntil.Time.After(to.InviteOpenUntil.Time)) {
		to.InviteOpenUntil = g.InviteOpenUntil
	}
}
