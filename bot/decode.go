package bot

import (
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/go-telegram/bot/models"
)

// decodeUpdate reads one update as Telegram sent it. go-telegram/bot's
// models refuse some updates Telegram may send (a forward from an origin
// type added after the library was written fails the whole update), so
// each update is decoded on its own: one the models cannot read must not
// take the updates around it down with it. When it cannot be decoded, id
// is still its update_id when that much can be read (0 when not), for the
// caller to log it and let it go.
func decodeUpdate(raw json.RawMessage) (u *models.Update, id int64, err error) {
	var head struct {
		UpdateID int64 `json:"update_id"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return nil, 0, fmt.Errorf("bot.decodeUpdate: %w", err)
	}
	u = &models.Update{}
	if err := json.Unmarshal(raw, u); err != nil {
		return nil, head.UpdateID, fmt.Errorf("bot.decodeUpdate(update %d): %w", head.UpdateID, err)
	}
	return u, u.ID, nil
}

// undecodable records an update the bot lets go because it cannot read
// it. Nothing of it is kept: it is not stored, and its content (someone's
// message) is not logged.
func (b *Bot) undecodable(id int64, err error) {
	b.metrics.updatesApplied.WithLabelValues("undecodable").Inc()
	b.log.Error("update cannot be decoded; letting it go", slog.Int64("update", id), slog.Any("err", err))
}
