package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/lib/pq"
)

// This file holds what the desk's invitation letters read: an invitation
// the desk has just made (or reissued) looked up by its code, to print it
// for its participant and no one else.

// DeskInvitation is an open invitation with what its letter says of the
// participant.
type DeskInvitation struct {
	ParticipantID int64          `db:"participant_id"`
	Code          string         `db:"code"`
	Site          string         `db:"site"`
	SiteName      string         `db:"site_name"`
	Timezone      string         `db:"timezone"` // the site's
	Role          string         `db:"role"`
	Lang          sql.NullString `db:"lang"`
	ExpiresAt     time.Time      `db:"expires_at"`
}

// DeskOpenInvitation looks inviteCode up as the open invitation (neither
// redeemed, revoked nor expired at now) of the participant with code at
// one of sites. ErrNotFound when it is not: another participant's, used,
// replaced by a reissue, expired, or at another site.
func (s *Store) DeskOpenInvitation(ctx context.Context, code, inviteCode string, sites []string, now time.Time) (_ *DeskInvitation, err error) {
	defer wrap(&err, "Store.DeskOpenInvitation(%q)", code)
	var inv DeskInvitation
	err = s.db.GetContext(ctx, &inv, `
		SELECT p.id AS participant_id, p.code, p.site, s.name AS site_name, s.timezone, p.role, p.lang, i.expires_at
		FROM invites i
		JOIN participants p ON p.id = i.participant_id
		JOIN sites s ON s.code = p.site
		WHERE i.code_hash = $1 AND p.code = $2 AND p.site = ANY($3) AND p.erased_at IS NULL
		  AND i.redeemed_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $4`,
		hashInvite(inviteCode), code, pq.Array(sites), now)
	if err != nil {
		return nil, notFound(err)
	}
	return &inv, nil
}
