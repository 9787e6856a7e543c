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
	// are ScheduleParticipant's and RosterRow's (consentedSQL, inStudySQL,
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

var cohortGroupsQuery = `
	WITH done AS (
		SELECT a.subject_id, a.respondent_id, bit_or(1::bigint << (k.i - 1)::int) AS bits
		FROM assessments a
		JOIN unnest($2::text[], $3::text[]) WITH ORDINALITY k(tp, q, i)
		  ON k.tp = a.timepoint AND k.q = a.questionnaire
		WHERE a.status = 'completed'
		GROUP BY a.subject_id, a.respondent_id),
	clinician AS (
		SELECT p.id, p.status, p.role,
		       EXISTS (SELECT 1 FROM telegram_links l WHERE l.participant_id = p.id) AS linked,
		       ` + consentedSQL + ` AS consented
		FROM participants p
		WHERE p.id IN (SELECT clinician_id FROM participants WHERE site = ANY($1)))
	SELECT count(*) AS n, p.site, s.timezone, p.role, p.status, p.baseline_date,
	       p.clinician_id IS NOT NULL AS has_clinician,
	       l.participant_id IS NOT NULL AS linked,
	       ` + decidedBy(consentedSQL, "ld.agreed") + ` AS consented,
	       ` + decidedBy(inStudySQL, "ld.agreed") + ` AS in_study,
	       ` + decidedBy(declinedSQL, "ld.agreed") + ` AS declined,
	       max(inv.until) AS invite_open_until,
	       k.status AS clinician_status, k.role AS clinician_role,
	       coalesce(k.linked, false) AS clinician_linked, coalesce(k.consented, false) AS clinician_consented,
	       coalesce(sd.bits, 0) AS self_done, coalesce(rd.bits, 0) AS rated_done
	FROM participants p
	JOIN sites s ON s.code = p.site
	LEFT JOIN telegram_links l ON l.participant_id = p.id
	LEFT JOIN ` + latestDecisions + ` ld ON ld.participant_id = p.id
	LEFT JOIN (SELECT i.participant_id, max(i.expires_at) AS until FROM invites i
	           WHERE i.redeemed_at IS NULL AND i.revoked_at IS NULL GROUP BY i.participant_id) inv
	  ON inv.participant_id = p.id
	LEFT JOIN clinician k ON k.id = p.clinician_id
	LEFT JOIN done sd ON sd.subject_id = p.id AND sd.respondent_id = p.id
	LEFT JOIN done rd ON rd.subject_id = p.id AND rd.respondent_id = p.clinician_id
	WHERE p.site = ANY($1)
	GROUP BY p.site, s.timezone, p.role, p.status, p.baseline_date, 7, 8, 9, 10, 11,
	         coalesce(inv.until > $4, false), 13, 14, 15, 16, 17, 18
	ORDER BY p.site`

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
