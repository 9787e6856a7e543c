package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"time"

	"github.com/lib/pq"
)

// This file holds the coordinators' web desk: single-use login links
// (desk_logins), the sessions they open (desk_sessions), the study-wide
// coordinators (desk_study_wide), and the reads behind the desk's roster
// and a participant's timeline. Tokens are stored only as their SHA-256,
// so a copy of the database opens no session.

// DeskCoordinator is a coordinator as the desk knows them.
type DeskCoordinator struct {
	ID        int64  `db:"id"`
	Code      string `db:"code"`
	Site      string `db:"site"`
	Role      string `db:"role"`
	Status    string `db:"status"`
	Erased    bool   `db:"erased"`
	StudyWide bool   `db:"study_wide"`
}

// MayUseDesk: a coordinator who has not withdrawn. An invited coordinator
// may: the first login comes from the CLI, before any chat is linked.
func (c *DeskCoordinator) MayUseDesk() bool {
	return c.Role == "coordinator" && c.Status != "withdrawn" && !c.Erased
}

// Why a desk login or session is refused.
var (
	ErrNotCoordinator    = errors.New("not a coordinator who may use the desk")
	ErrDeskLoginSpent    = errors.New("this login link has been used already")
	ErrDeskLoginExpired  = errors.New("this login link has expired")
	ErrDeskLoginNotFound = errors.New("this login link is not valid")
)

const deskCoordinatorQuery = `
	SELECT p.id, p.code, p.site, p.role, p.status, p.erased_at IS NOT NULL AS erased,
	       EXISTS (SELECT 1 FROM desk_study_wide w WHERE w.coordinator_id = p.id) AS study_wide
	FROM participants p`

// DeskCoordinatorByCode looks a participant up by code for the desk;
// ErrNotFound when there is none. Whether they may use the desk is
// MayUseDesk's to say.
func (s *Store) DeskCoordinatorByCode(ctx context.Context, code string) (_ *DeskCoordinator, err error) {
	defer wrap(&err, "Store.DeskCoordinatorByCode(%q)", code)
	var c DeskCoordinator
	if err := s.db.GetContext(ctx, &c, deskCoordinatorQuery+` WHERE p.code = $1`, code); err != nil {
		return nil, notFound(err)
	}
	return &c, nil
}

func hashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// CreateDeskLogin stores a single-use login link's token for the
// coordinator, valid until expires, and audits it with actor. It refuses
// anyone who may not use the desk (ErrNotCoordinator).
func (s *Store) CreateDeskLogin(ctx context.Context, coordinatorID int64, token string, now, expires time.Time, actor string) (err error) {
	defer wrap(&err, "Store.CreateDeskLogin(%d)", coordinatorID)
	return s.InTx(ctx, func(tx *Tx) error {
		var c DeskCoordinator
		if err := tx.tx.GetContext(ctx, &c, deskCoordinatorQuery+` WHERE p.id = $1 FOR SHARE OF p`, coordinatorID); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotCoordinator
			}
			return err
		}
		if !c.MayUseDesk() {
			return ErrNotCoordinator
		}
		if _, err := tx.tx.ExecContext(ctx, `
			INSERT INTO desk_logins (token_hash, coordinator_id, expires_at, created_at)
			VALUES ($1, $2, $3, $4)`, hashToken(token), coordinatorID, expires, now); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "desk_login_link", &coordinatorID, map[string]any{
			"expires": expires.UTC().Format(time.RFC3339)})
	})
}

// DeskLoginLink is a login link looked up without spending it.
type DeskLoginLink struct {
	Coordinator DeskCoordinator
	ExpiresAt   time.Time
}

// PeekDeskLogin says whose a login link is and whether it can still be
// used at now, spending nothing: ErrDeskLoginNotFound, ErrDeskLoginSpent,
// ErrDeskLoginExpired or ErrNotCoordinator when it cannot.
func (s *Store) PeekDeskLogin(ctx context.Context, token string, now time.Time) (_ *DeskLoginLink, err error) {
	defer wrap(&err, "Store.PeekDeskLogin")
	return peekDeskLogin(ctx, s.db, token, now, "")
}

func peekDeskLogin(ctx context.Context, q querier, token string, now time.Time, lock string) (*DeskLoginLink, error) {
	var row struct {
		CoordinatorID int64        `db:"coordinator_id"`
		ExpiresAt     time.Time    `db:"expires_at"`
		UsedAt        sql.NullTime `db:"used_at"`
	}
	err := q.GetContext(ctx, &row, `
		SELECT coordinator_id, expires_at, used_at FROM desk_logins WHERE token_hash = $1`+lock, hashToken(token))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrDeskLoginNotFound
	} else if err != nil {
		return nil, err
	}
	link := &DeskLoginLink{ExpiresAt: row.ExpiresAt}
	if err := q.GetContext(ctx, &link.Coordinator, deskCoordinatorQuery+` WHERE p.id = $1`, row.CoordinatorID); err != nil {
		return nil, err
	}
	switch {
	case row.UsedAt.Valid:
		return link, ErrDeskLoginSpent
	case !now.Before(row.ExpiresAt):
		return link, ErrDeskLoginExpired
	case !link.Coordinator.MayUseDesk():
		return link, ErrNotCoordinator
	}
	return link, nil
}

// SpendDeskLogin uses a login link at now: it marks the link spent and
// opens a session keyed by sessionToken whose forms carry csrf, audited
// with the coordinator as actor, all together. A link is spent once, even
// by two browsers at once; it fails as PeekDeskLogin does.
func (s *Store) SpendDeskLogin(ctx context.Context, token, sessionToken, csrf string, now time.Time) (_ *DeskCoordinator, err error) {
	defer wrap(&err, "Store.SpendDeskLogin")
	var c *DeskCoordinator
	err = s.InTx(ctx, func(tx *Tx) error {
		link, err := peekDeskLogin(ctx, tx.tx, token, now, ` FOR UPDATE`)
		if err != nil {
			return err
		}
		c = &link.Coordinator
		if _, err := tx.tx.ExecContext(ctx, `
			UPDATE desk_logins SET used_at = $2 WHERE token_hash = $1`, hashToken(token), now); err != nil {
			return err
		}
		if _, err := tx.tx.ExecContext(ctx, `
			INSERT INTO desk_sessions (token_hash, coordinator_id, csrf_token, created_at, last_seen_at)
			VALUES ($1, $2, $3, $4, $4)`, hashToken(sessionToken), c.ID, csrf, now); err != nil {
			return err
		}
		return tx.Audit(ctx, c.Code, "desk_login", &c.ID, nil)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// DeskSession is a live session: whose it is and the token its forms carry.
type DeskSession struct {
	Coordinator DeskCoordinator
	CSRF        string
}

// TouchDeskSession looks a session up at now and, when it is live, records
// now as its last use. A session is live when it was not revoked, was used
// after now-idle, and its coordinator may still use the desk; ErrNotFound
// otherwise.
func (s *Store) TouchDeskSession(ctx context.Context, sessionToken string, now time.Time, idle time.Duration) (_ *DeskSession, err error) {
	defer wrap(&err, "Store.TouchDeskSession")
	var row struct {
		CoordinatorID int64  `db:"coordinator_id"`
		CSRF          string `db:"csrf_token"`
	}
	err = s.db.GetContext(ctx, &row, `
		UPDATE desk_sessions SET last_seen_at = greatest(last_seen_at, $2)
		WHERE token_hash = $1 AND revoked_at IS NULL AND last_seen_at > $3
		RETURNING coordinator_id, csrf_token`, hashToken(sessionToken), now, now.Add(-idle))
	if err != nil {
		return nil, notFound(err)
	}
	out := &DeskSession{CSRF: row.CSRF}
	if err := s.db.GetContext(ctx, &out.Coordinator, deskCoordinatorQuery+` WHERE p.id = $1`, row.CoordinatorID); err != nil {
		return nil, notFound(err)
	}
	if !out.Coordinator.MayUseDesk() {
		return nil, ErrNotFound
	}
	return out, nil
}

// RevokeDeskSession ends a session (logging out), audited with actor.
func (s *Store) RevokeDeskSession(ctx context.Context, sessionToken string, now time.Time, actor string) (err error) {
	defer wrap(&err, "Store.RevokeDeskSession")
	return s.InTx(ctx, func(tx *Tx) error {
		var id int64
		err := tx.tx.GetContext(ctx, &id, `
			UPDATE desk_sessions SET revoked_at = $2
			WHERE token_hash = $1 AND revoked_at IS NULL
			RETURNING coordinator_id`, hashToken(sessionToken), now)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "desk_logout", &id, nil)
	})
}

// SetStudyWide makes the coordinator with code see every site on the desk
// (on) or only their own (off), audited with actor. ErrNotCoordinator:
// code names no coordinator who may use the desk.
func (s *Store) SetStudyWide(ctx context.Context, code string, on bool, now time.Time, actor string) (err error) {
	defer wrap(&err, "Store.SetStudyWide(%q, %t)", code, on)
	return s.InTx(ctx, func(tx *Tx) error {
		var c DeskCoordinator
		if err := tx.tx.GetContext(ctx, &c, deskCoordinatorQuery+` WHERE p.code = $1 FOR SHARE OF p`, code); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotCoordinator
			}
			return err
		}
		if !c.MayUseDesk() {
			return ErrNotCoordinator
		}
		var err error
		if on {
			_, err = tx.tx.ExecContext(ctx, `
				INSERT INTO desk_study_wide (coordinator_id, granted_at, granted_by) VALUES ($1, $2, $3)
				ON CONFLICT (coordinator_id) DO NOTHING`, c.ID, now, actor)
		} else {
			_, err = tx.tx.ExecContext(ctx, `DELETE FROM desk_study_wide WHERE coordinator_id = $1`, c.ID)
		}
		if err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "desk_study_wide", &c.ID, map[string]any{"on": on})
	})
}

// DeskRoster lists every participant of sites, by site and code.
func (s *Store) DeskRoster(ctx context.Context, sites []string) (_ []RosterEntry, err error) {
	defer wrap(&err, "Store.DeskRoster")
	var out []RosterEntry
	err = s.db.SelectContext(ctx, &out, rosterQuery+`
		WHERE p.site = ANY($1) ORDER BY p.site, p.code`, pq.Array(sites))
	return out, err
}

// DeskParticipant looks one participant of sites up by code; ErrNotFound
// when there is none there.
func (s *Store) DeskParticipant(ctx context.Context, code string, sites []string) (_ *RosterEntry, err error) {
	defer wrap(&err, "Store.DeskParticipant(%q)", code)
	var r RosterEntry
	err = s.db.GetContext(ctx, &r, rosterQuery+` WHERE p.code = $1 AND p.site = ANY($2)`, code, pq.Array(sites))
	if err != nil {
		return nil, notFound(err)
	}
	return &r, nil
}
