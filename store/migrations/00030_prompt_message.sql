-- The message asking a chat's current question moves to telegram_links.
-- It is recorded after the answer's transaction, many chats at once; on
-- conversations it waited for (and blocked) the row lock that applies the
-- chat's next answer. telegram_links is never locked by an answer, and it
-- is where every Telegram id belongs: erasing the link erases it too.

-- +goose Up
ALTER TABLE telegram_links ADD COLUMN prompt_message_id bigint;
UPDATE telegram_links l SET prompt_message_id = c.prompt_message_id
FROM conversations c WHERE c.participant_id = l.participant_id;
ALTER TABLE conversations DROP COLUMN prompt_message_id;

-- +goose Down
ALTER TABLE conversations ADD COLUMN prompt_message_id bigint;
UPDATE conversations c SET prompt_message_id = l.prompt_message_id
FROM telegram_links l WHERE l.participant_id = c.participant_id;
ALTER TABLE telegram_links DROP COLUMN prompt_message_id;
