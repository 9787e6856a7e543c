package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/imrbot/imrbot/questionnaires"
)

// This file holds sites and participants: who takes part where, their
// consent and language, and a clinician's consumers.

// Site is a participating service.
type Site struct {
	Code     string `db:"code"`
	Name     string `db:"name"`
	Timezone string `db:"timezone"`
}

// Participant is a person in the study, known by a pseudonymous code.
type Participant struct {
	ID           int64          `db:"id"`
	Code         string         `db:"code"`
	Site         string         `db:"site"`
	Role         string         `db:"role"`
	Lang         sql.NullString `db:"lang"`
	Status       string         `db:"status"` // a questionnaires.ParticipantStatus
	BaselineDate sql.NullTime   `db:"baseline_date"`
	ClinicianID  sql.NullInt64  `db:"clinician_id"`
	CreatedAt    time.Time      `db:"created_at"`
}

// ErrUnknownSite is returned when a site code does not exist.
var ErrUnknownSite = errors.New("unknown site")

// ErrSiteExists is returned when adding a site whose code is taken.
var ErrSiteExists = errors.New("site already exists")

// AddSite creates a site.
func (s *Store) AddSite(ctx context.Context, code, name string) (err error) {
	defer wrap(&err, "Store.AddSite(%q)", code)
	_, err = s.db.ExecContext(ctx, `INSERT INTO sites (code, name) VALUES ($1, $2)`, code, name)
	if isUniqueViolation(err) {
		return ErrSiteExists
	}
	return err
}

// Sites lists every site by code.
func (s *Store) Sites(ctx context.Context) (_ []Site, err error) {
	defer wrap(&err, "Store.Sites")
	var sites []Site
	err = s.db.SelectContext(ctx, &sites, `SELECT code, name, timezone FROM sites ORDER BY code`)
	return sites, err
}

// ParticipantByCode looks a participant up by code.
func (s *Store) ParticipantByCode(ctx context.Context, code string) (_ *Participant, err error) {
	defer wrap(&err, "Store.ParticipantByCode(%q)", code)
	var p Participant
	err = s.db.GetContext(ctx, &p, `
		SELECT id, code, site, role, lang, status, baseline_date, clinician_id, created_at
		FROM participants WHERE code = $1`, code)
	if err != nil {
		return nil, notFound(err)
	}
	return &p, nil
}

// RecordConsent stores a consent decision. Agreeing without a baseline
// date fixes it to the day of consent in the site's time zone, as the
// protocol says, so every later schedule reads one column.
func (tx *Tx) RecordConsent(ctx context.Context, participantID int64, version string, agreed bool, now time.Time) (err error) {
	defer wrap(&err, "Tx.RecordConsent(%d)", participantID)
	if _, err := tx.tx.ExecContext(ctx, `
		INSERT INTO consents (participant_id, version, agreed, decided_at) VALUES ($1, $2, $3, $4)`,
		participantID, version, agreed, now); err != nil {
		return err
	}
	if !agreed {
		return nil
	}
	today, err := tx.siteToday(ctx, participantID, now)
	if err != nil {
		return err
	}
	_, err = tx.tx.ExecContext(ctx, `
		UPDATE participants SET baseline_date = $2
		WHERE id = $1 AND baseline_date IS NULL`, participantID, today)
	return err
}

// siteToday is the date at now in the participant's site's time zone, by
// the one calendar (questionnaires.Today), for a baseline date fixed on
// the day of consent or linking.
func (tx *Tx) siteToday(ctx context.Context, participantID int64, now time.Time) (time.Time, error) {
	var zone string
	if err := tx.tx.GetContext(ctx, &zone, `
		SELECT s.timezone FROM participants p JOIN sites s ON s.code = p.site
		WHERE p.id = $1`, participantID); err != nil {
		return time.Time{}, notFound(err)
	}
	return questionnaires.Today(now, questionnaires.Location(zone)), nil
}

// SetParticipantLang records the language a participant chose in the chat.
func (tx *Tx) SetParticipantLang(ctx context.Context, participantID int64, lang string) (err error) {
	defer wrap(&err, "Tx.SetParticipantLang(%d)", participantID)
	_, err = tx.tx.ExecContext(ctx, `UPDATE participants SET lang = $2 WHERE id = $1`, participantID, lang)
	return err
}

// Ratee is a consumer a clinician rates, with what the schedule needs.
type Ratee struct {
	ID           int64        `db:"id"`
	Code         string       `db:"code"`
	BaselineDate sql.NullTime `db:"baseline_date"`
	// ConsentAt is the consumer's first agreement in the chat, if any: a
	// consumer without a baseline date is rated from their consent on.
	ConsentAt sql.NullTime `db:"consent_at"`
}

// The consent rules below are the one home of "where does participant p
// stand on consent" for every query (p is the participants row's alias):
// what counts is their latest decision in the chat, so one who declines a
// new version of the consent stops taking part though they once agreed.

// latestDecisionSQL is participant p's latest consent decision in the
// chat (agreed or not); NULL when they never decided there.
const latestDecisionSQL = `(SELECT c.agreed FROM consents c WHERE c.participant_id = p.id
	ORDER BY c.decided_at DESC, c.id DESC LIMIT 1)`

// consentedSQL: participant p's latest decision in the chat is an
// agreement.
const consentedSQL = `coalesce(` + latestDecisionSQL + `, false)`

// declinedSQL: participant p's latest decision in the chat is a refusal.
const declinedSQL = `coalesce(NOT ` + latestDecisionSQL + `, false)`

// inStudySQL is the protocol's "in the study from the baseline date" for
// participant p: their latest decision in the chat is an agreement, or they
// never decided there and were invited with a baseline date (consent taken
// on paper). Linking a chat is not part of it.
const inStudySQL = `coalesce(` + latestDecisionSQL + `, p.baseline_date IS NOT NULL)`

// everInStudySQL: participant p took part at some time (agreed in the chat
// once, or invited with a baseline date and no refusal before agreeing),
// whatever they decided since: the flow's "consented".
const everInStudySQL = `(EXISTS (SELECT 1 FROM consents c WHERE c.participant_id = p.id AND c.agreed)
	OR (p.baseline_date IS NOT NULL AND NOT EXISTS (
		SELECT 1 FROM consents c WHERE c.participant_id = p.id AND NOT c.agreed)))`

// RateesOf lists the clinician's consumers who take part (in the study,
// linked or not; not withdrawn), by code.
func (tx *Tx) RateesOf(ctx context.Context, clinicianID int64) (_ []Ratee, err error) {
	defer wrap(&err, "Tx.RateesOf(%d)", clinicianID)
	var out []Ratee
	err = tx.tx.SelectContext(ctx, &out, `
		SELECT p.id, p.code, p.baseline_date, (
			SELECT min(decided_at) FROM consents
			WHERE participant_id = p.id AND agreed) AS consent_at
		FROM participants p
		WHERE p.clinician_id = $1 AND p.status <> 'withdrawn' AND p.erased_at IS NULL
		  AND `+inStudySQL+`
		ORDER BY p.code`, clinicianID)
	return out, err
}
