package store

import (
	"context"
	"encoding/json"
)

// This file holds the audit log and the settings table.

// Audit appends to the audit log. actor is who acted: a participant code,
// "cli", or "system"; never a Telegram id.
func (s *Store) Audit(ctx context.Context, actor, action string, participantID *int64, detail map[string]any) (err error) {
	defer wrap(&err, "Store.Audit(%q)", action)
	return audit(ctx, s.db, actor, action, participantID, detail)
}

// Audit appends to the audit log inside the transaction, so the record
// commits with the change it describes.
func (tx *Tx) Audit(ctx context.Context, actor, action string, participantID *int64, detail map[string]any) (err error) {
	defer wrap(&err, "Tx.Audit(%q)", action)
	return audit(ctx, tx.tx, actor, action, participantID, detail)
}

func audit(ctx context.Context, q querier, actor, action string, participantID *int64, detail map[string]any) error {
	if detail == nil {
		detail = map[string]any{}
	}
	b, err := json.Marshal(detail)
	if err != nil {
		return err
	}
	_, err = q.ExecContext(ctx, `
		INSERT INTO audit_log (actor, action, participant_id, detail) VALUES ($1, $2, $3, $4)`,
		actor, action, participantID, b)
	return err
}

// AuditEntry is one audit log row.
type AuditEntry struct {
	Actor  string `db:"actor"`
	Action string `db:"action"`
	Detail []byte `db:"detail"`
}

// AuditLog returns the audit entries with the given action, oldest first.
func (s *Store) AuditLog(ctx context.Context, action string) (_ []AuditEntry, err error) {
	defer wrap(&err, "Store.AuditLog(%q)", action)
	var out []AuditEntry
	err = s.db.SelectContext(ctx, &out, `
		SELECT actor, action, detail FROM audit_log WHERE action = $1 ORDER BY id`, action)
	return out, err
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
