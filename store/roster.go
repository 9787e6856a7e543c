package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/imrbot/imrbot/questionnaires"
)

// This file holds the roster: every participant with the facts that decide
// where they stand (questionnaires.RosterStatus decides it), and one site
// looked up by code.

// RosterEntry is one participant on the roster: the CLI's `imrbot
// participants` and the desk's roster and participant pages.
type RosterEntry struct {
	ID           int64        `db:"id"`
	Code         string       `db:"code"`
	Site         string       `db:"site"`
	Role         string       `db:"role"`
	Status       string       `db:"status"` // the stored questionnaires.ParticipantStatus
	BaselineDate sql.NullTime `db:"baseline_date"`
	Linked       bool         `db:"linked"`
	// Declined: their latest consent decision was a refusal.
	Declined bool `db:"declined"`
	// InviteOpenUntil is the expiry of their latest invitation neither
	// redeemed nor revoked.
	InviteOpenUntil sql.NullTime `db:"invite_open_until"`
	Erased          bool         `db:"erased"`
	CreatedAt       time.Time    `db:"created_at"` // invited
}

// linkedSQL: a chat is linked to participant p. (A scalar subquery on the
// primary key rather than EXISTS, which PostgreSQL may turn into a hash
// of every link: a refresh of a few participants' facts then read them
// all.)
const linkedSQL = `((SELECT true FROM telegram_links l WHERE l.participant_id = p.id) IS NOT NULL)`

// inviteOpenUntilSQL is the latest expiry of participant p's invitations
// neither redeemed nor revoked; NULL when there is none.
const inviteOpenUntilSQL = `(SELECT max(i.expires_at) FROM invites i
	WHERE i.participant_id = p.id AND i.redeemed_at IS NULL AND i.revoked_at IS NULL)`

// rosterQuery reads RosterEntry rows; callers add WHERE and ORDER BY.
const rosterQuery = `
	SELECT p.id, p.code, p.site, p.role, p.status, p.baseline_date, p.created_at,
	       ` + linkedSQL + ` AS linked,
	       p.erased_at IS NOT NULL AS erased,
	       ` + declinedSQL + ` AS declined,
	       ` + inviteOpenUntilSQL + ` AS invite_open_until
	FROM participants p`

// Facts are what questionnaires.RosterStatus needs of the entry.
func (e RosterEntry) Facts() questionnaires.RosterFacts {
	var open time.Time
	if e.InviteOpenUntil.Valid {
		open = e.InviteOpenUntil.Time
	}
	return questionnaires.RosterFacts{
		Stored: e.Status, Linked: e.Linked, InStudy: e.BaselineDate.Valid,
		Declined: e.Declined, InviteOpenUntil: open,
	}
}

// Roster lists the participants of site ("" for every site) by code.
// ErrUnknownSite: no site has that code.
func (s *Store) Roster(ctx context.Context, site string) (_ []RosterEntry, err error) {
	defer wrap(&err, "Store.Roster(%q)", site)
	if site != "" {
		if _, err := s.Site(ctx, site); err != nil {
			return nil, err
		}
	}
	var out []RosterEntry
	err = s.db.SelectContext(ctx, &out, rosterQuery+`
		WHERE $1 = '' OR p.site = $1
		ORDER BY p.code`, site)
	return out, err
}

// Site looks a site up by code. ErrUnknownSite: there is none.
func (s *Store) Site(ctx context.Context, code string) (_ *Site, err error) {
	defer wrap(&err, "Store.Site(%q)", code)
	var site Site
	err = s.db.GetContext(ctx, &site, `SELECT code, name, timezone FROM sites WHERE code = $1`, code)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrUnknownSite
	} else if err != nil {
		return nil, err
	}
	return &site, nil
}
