-- The chat's additions. last_message_at is the Telegram date of the last
-- message applied to a conversation: with last_update_id it tells a late
-- message (lower id, not newer) from the next one after a week of silence,
-- when Telegram starts update ids afresh.

-- +goose Up
ALTER TABLE conversations ADD COLUMN last_message_at timestamptz;

-- +goose Down
ALTER TABLE conversations DROP COLUMN last_message_at;
