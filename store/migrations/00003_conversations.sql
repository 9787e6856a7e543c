-- The chat. conversations holds the conversation state per linked
-- participant; the row lock on it serialises the updates of one chat
-- across every serve process. last_message_at is the Telegram date of the
-- last message applied: with last_update_id it tells a late message (lower
-- id, not newer) from the next one after a week of silence, when Telegram
-- starts update ids afresh. processed_updates de-duplicates Telegram
-- updates by id; it is pruned after a week.

-- +goose Up
CREATE TABLE conversations (
    participant_id  bigint PRIMARY KEY REFERENCES participants (id) ON DELETE CASCADE,
    state           jsonb NOT NULL DEFAULT '{}',
    last_update_id  bigint,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    last_message_at timestamptz
);

CREATE TABLE processed_updates (
    update_id    bigint PRIMARY KEY,
    processed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX processed_updates_age ON processed_updates (processed_at);

-- +goose Down
DROP TABLE processed_updates, conversations;
