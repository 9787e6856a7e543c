package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

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
	Status       string         `db:"status"`
	BaselineDate sql.NullTime   `db:"baseline_date"`
	ClinicianID  sql.NullInt64  `db:"clinician_id"`
	CreatedAt    time.Time      `db:"created_at"`
}

// Participant statuses.
const (
	StatusInvited     = "invited"
	StatusActive      = "active"
	StatusWithdrawn   = "withdrawn"
	StatusUnreachable = "unreachable"
)

// ErrUnknownSite is returned when a site code does not exist.
var ErrUnknownSite = errors.New("unknown site")

// ErrSiteExists is returned when adding a site whose code is taken.
var ErrSiteExists = errors.New("site already exists")

// AddSite creates a site.
func (s *Store) AddSite(ctx context.Context, code, name string) (err error) {
	defer wrap(&err, "Store.AddSite(%q)", code)
	_, err = s.db.ExecContext(ctx, `INSERT INTO sites (code, name) VALUES ($1, $2)`, code, name)
	if IsUniqueViolation(err) {
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

// roleLetters make participant codes readable: OSL-C-0042 is consumer 42 of
// site OSL, OSL-K-0003 clinician (kliniker) 3, OSL-R-0001 coordinator 1.
var roleLetters = map[string]string{"consumer": "C", "clinician": "K", "coordinator": "R"}

// NewParticipant describes participants to invite.
type NewParticipant struct {
	Site          string
	Role          string
	Lang          string     // "" lets the chat use the Telegram app's language
	BaselineDate  *time.Time // a baseline collected before enrolment
	ClinicianCode string     // the consumer's clinician, "" for none
	InviteExpires time.Time
}

// Invitation is one created participant with its invite code, which is
// returned once and stored only as a hash.
type Invitation struct {
	ParticipantCode string
	InviteCode      string
}

// ErrBadClinician is returned when --clinician names no clinician of the site.
var ErrBadClinician = errors.New("no clinician with that code at this site")

// Invite creates count participants with single-use invite codes, all or
// none. newCode makes one fresh invite code.
func (s *Store) Invite(ctx context.Context, np NewParticipant, count int, newCode func() (string, error)) (_ []Invitation, err error) {
	defer wrap(&err, "Store.Invite(%q, %q, %d)", np.Site, np.Role, count)
	letter, ok := roleLetters[np.Role]
	if !ok {
		return nil, fmt.Errorf("unknown role %q", np.Role)
	}
	var out []Invitation
	err = s.InTx(ctx, func(tx *Tx) error {
		out = out[:0]
		// Locking the site row serialises numbering within the site.
		var site string
		err := tx.tx.GetContext(ctx, &site, `SELECT code FROM sites WHERE code = $1 FOR UPDATE`, np.Site)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrUnknownSite
		} else if err != nil {
			return err
		}
		var clinician sql.NullInt64
		if np.ClinicianCode != "" {
			err := tx.tx.GetContext(ctx, &clinician, `
				SELECT id FROM participants
				WHERE code = $1 AND site = $2 AND role = 'clinician'`, np.ClinicianCode, np.Site)
			if errors.Is(err, sql.ErrNoRows) {
				return ErrBadClinician
			} else if err != nil {
				return err
			}
		}
		var next int
		if err := tx.tx.GetContext(ctx, &next, `
			SELECT coalesce(max(number), 0) + 1 FROM participants
			WHERE site = $1 AND role = $2`, np.Site, np.Role); err != nil {
			return err
		}
		lang := sql.NullString{String: np.Lang, Valid: np.Lang != ""}
		for i := 0; i < count; i++ {
			code := fmt.Sprintf("%s-%s-%04d", np.Site, letter, next+i)
			var id int64
			if err := tx.tx.GetContext(ctx, &id, `
				INSERT INTO participants (code, site, role, number, lang, baseline_date, clinician_id)
				VALUES ($1, $2, $3, $4, $5, $6, $7)
				RETURNING id`,
				code, np.Site, np.Role, next+i, lang, np.BaselineDate, clinician); err != nil {
				return err
			}
			invite, err := newCode()
			if err != nil {
				return err
			}
			if _, err := tx.tx.ExecContext(ctx, `
				INSERT INTO invites (code_hash, participant_id, expires_at) VALUES ($1, $2, $3)`,
				HashInvite(invite), id, np.InviteExpires); err != nil {
				return err
			}
			if err := tx.Audit(ctx, "cli", "invite", &id, map[string]any{"code": code, "role": np.Role}); err != nil {
				return err
			}
			out = append(out, Invitation{ParticipantCode: code, InviteCode: invite})
		}
		return nil
	})
	return out, err
}

// HashInvite is how invite codes are stored: only their SHA-256, so a copy
// of the database cannot be used to enrol as someone else.
func HashInvite(code string) []byte {
	sum := sha256.Sum256([]byte(code))
	return sum[:]
}

// ParticipantByCode looks a participant up by code.
func (s *Store) ParticipantByCode(ctx context.Context, code string) (_ *Participant, err error) {
	defer wrap(&err, "Store.ParticipantByCode(%q)", code)
	return participantByCode(ctx, s.db, code)
}

// ParticipantByCode looks a participant up by code inside the transaction.
func (tx *Tx) ParticipantByCode(ctx context.Context, code string) (_ *Participant, err error) {
	defer wrap(&err, "Tx.ParticipantByCode(%q)", code)
	return participantByCode(ctx, tx.tx, code)
}

func participantByCode(ctx context.Context, q querier, code string) (*Participant, error) {
	var p Participant
	err := q.GetContext(ctx, &p, `
		SELECT id, code, site, role, lang, status, baseline_date, clinician_id, created_at
		FROM participants WHERE code = $1`, code)
	if err != nil {
		return nil, notFound(err)
	}
	return &p, nil
}

// Setting reads a settings value; ErrNotFound when unset.
func (s *Store) Setting(ctx context.Context, key string) (_ string, err error) {
	defer wrap(&err, "Store.Setting(%q)", key)
	var v string
	err = s.db.GetContext(ctx, &v, `SELECT value FROM settings WHERE key = $1`, key)
	return v, notFound(err)
}

// SetSetting writes a settings value.
func (s *Store) SetSetting(ctx context.Context, key, value string) (err error) {
	defer wrap(&err, "Store.SetSetting(%q)", key)
	_, err = s.db.ExecContext(ctx, `
		INSERT INTO settings (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, key, value)
	return err
}

// SettingBotUsername is the settings key under which serve records the bot's
// username learnt from getMe, for deep links printed by invite.
const SettingBotUsername = "bot_username"
