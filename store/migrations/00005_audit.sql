-- audit_log: the append-only record of enrolment, consent, changed
-- answers, reminders, exports, withdrawals and coordinator actions; an
-- entry outlives the participant it names. settings: values the binary
-- records for itself (the bot's username, for invite links).

-- +goose Up
CREATE TABLE audit_log (
    id             bigserial PRIMARY KEY,
    at             timestamptz NOT NULL DEFAULT now(),
    actor          text NOT NULL,
    action         text NOT NULL,
    participant_id bigint REFERENCES participants (id) ON DELETE SET NULL,
    detail         jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_participant ON audit_log (participant_id, at);

CREATE TABLE settings (
    key   text PRIMARY KEY,
    value text NOT NULL
);

-- +goose Down
DROP TABLE settings, audit_log;
