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
// to read the latest decision from col, a column of the set-wise
// latestDecisions below, instead of a subquery per participant: the rule
// keeps its one home and the count reads consents once.
func decidedBy(rule, col string) string {
	if !strings.Contains(rule, latestDecisionSQL) {
		panic("store: a consent rule no longer reads latestDecisionSQL: " + rule)
	}
	return strings.ReplaceAll(rule, latestDecisionSQL, col)
}

// latestDecisions is every participant's latest consent decision in the
// chat, as latestDecisionSQL orders them.
const latestDecisions = `(SELECT DISTINCT ON (c.participant_id) c.participant_id, c.agreed
	FROM consents c ORDER BY c.participant_id, c.decided_at DESC, c.id DESC)`

// Bits of the flags column of cohortGroupsQuery's per-participant
// facts: grouping by one integer rather than by five booleans keeps the
// hash aggregate's key short.
const (
	flagLinked = 1 << iota
	flagConsented
	flagInStudy
	flagDeclined
	flagInviteOpen
)

// cohortGroupsQuery counts in two steps. g groups the participants of the
// sites by their own facts and their clinician's id, hashing one row per
// participant against side tables read once each (the latest decisions
// and open invitations from indexes kept for them, the completed
// assessments aggregated per subject and respondent); the outer query
// then adds the facts of the few clinicians those groups name (looked up
// by primary key, not by re-reading participants) and regroups. Sorting
// a hundred thousand rows by seventeen keys, which cost more than half of
// the time before, happens to the groups only.
var cohortGroupsQuery = fmt.Sprintf(`
	WITH done AS (
		SELECT a.subject_id, a.respondent_id, bit_or(1::bigint << (k.i - 1)::int) AS bits
		FROM assessments a
		JOIN unnest($2::text[], $3::text[]) WITH ORDINALITY k(tp, q, i)
		  ON k.tp = a.timepoint AND k.q = a.questionnaire
		WHERE a.status = 'completed'
		GROUP BY a.subject_id, a.respondent_id),
	g AS (
		SELECT count(*) AS n, p.site, p.role, p.status, p.baseline_date, p.clinician_id,
		       (l.participant_id IS NOT NULL)::int * %d
		       | (%s)::int * %d | (%s)::int * %d | (%s)::int * %d
		       | coalesce(inv.until > $4, false)::int * %d AS flags,
		       max(inv.until) AS until,
		       coalesce(sd.bits, 0) AS self_done, coalesce(rd.bits, 0) AS rated_done
		FROM participants p
		LEFT JOIN telegram_links l ON l.participant_id = p.id
		LEFT JOIN `+latestDecisions+` ld ON ld.participant_id = p.id
		LEFT JOIN (SELECT i.participant_id, max(i.expires_at) AS until FROM invites i
		           WHERE i.redeemed_at IS NULL AND i.revoked_at IS NULL GROUP BY i.participant_id) inv
		  ON inv.participant_id = p.id
		LEFT JOIN done sd ON sd.subject_id = p.id AND sd.respondent_id = p.id
		LEFT JOIN done rd ON rd.subject_id = p.id AND rd.respondent_id = p.clinician_id
		WHERE p.site = ANY($1)
		GROUP BY p.site, p.role, p.status, p.baseline_date, p.clinician_id, flags, self_done, rated_done),
	clinician AS (
		SELECT p.id, p.status, p.role,
		       EXISTS (SELECT 1 FROM telegram_links l WHERE l.participant_id = p.id) AS linked,
		       `+consentedSQL+` AS consented
		FROM participants p
		WHERE p.id IN (SELECT clinician_id FROM g))
	SELECT sum(g.n) AS n, g.site, s.timezone, g.role, g.status, g.baseline_date,
	       g.clinician_id IS NOT NULL AS has_clinician,
	       g.flags & %d <> 0 AS linked, g.flags & %d <> 0 AS consented,
	       g.flags & %d <> 0 AS in_study, g.flags & %d <> 0 AS declined,
	       max(g.until) AS invite_open_until,
	       k.status AS clinician_status, k.role AS clinician_role,
	       coalesce(k.linked, false) AS clinician_linked, coalesce(k.consented, false) AS clinician_consented,
	       g.self_done, g.rated_done
	FROM g
	JOIN sites s ON s.code = g.site
	LEFT JOIN clinician k ON k.id = g.clinician_id
	GROUP BY g.site, s.timezone, g.role, g.status, g.baseline_date, 7, g.flags, 13, 14, 15, 16, g.self_done, g.rated_done
	ORDER BY g.site`,
	flagLinked, decidedBy(consentedSQL, "ld.agreed"), flagConsented, decidedBy(inStudySQL, "ld.agreed"), flagInStudy,
	decidedBy(declinedSQL, "ld.agreed"), flagDeclined, flagInviteOpen,
	flagLinked, flagConsented, flagInStudy, flagDeclined)

// CohortGroups counts the participants of sites by the facts of
// CohortGroup, telling apart the completed assessments of keys (at most
// MaxBatteryItems) and invitations open at now.
func (s *Store) CohortGroups(ctx context.Context, sites []string, keys []BatteryItem, now time.Time) (_ []CohortGroup, err error) {
	defer wrap(&err, "Store.CohortGroups")
	if len(keys) > MaxBatteryItems {
		return nil, fmt.Errorf("%d assessment keys, at most %d", len(keys), MaxBatteryItems)
	}
	tps, qs := make([]string, len(keys)), make([]string, len(keys))
	for i, k := range keys {
		tps[i], qs[i] = k.Timepoint, k.Questionnaire
	}
	// A hundred thousand participants are grouped in memory rather than
	// sorted on disk.
	var out []CohortGroup
	err = s.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.tx.ExecContext(ctx, `SET LOCAL work_mem = '64MB'`); err != nil {
			return err
		}
		return tx.tx.SelectContext(ctx, &out, cohortGroupsQuery, pq.Array(sites), pq.Array(tps), pq.Array(qs), now)
	})
	return out, err
}
