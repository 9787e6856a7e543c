-- The reminder schedule and its outbox.
--
-- reminders: one row per (recipient, subject, timepoint, step); that key is
-- what makes a reminder go out once however many dispatchers run. subject_id
-- is whom a reminder is about: a clinician is reminded to rate each consumer
-- on that consumer's schedule, and a coordinator is told about a
-- participant. 'skipped' records a step that will never be sent (the
-- consent offer stood for it, or several past steps collapsed into one) so
-- that replanning never brings it back; note says why a row was skipped or
-- cancelled.
--
-- reminder_replans is an outbox, filled by triggers in the same transaction
-- as a change that may move a schedule: a participant row inserted, or its
-- status, baseline date or clinician changed ('participant'), or a consent
-- decision recorded ('consent'). A row records what changed and nothing
-- else; whether it moves the schedule, and why, is decided in Go
-- (reminders/replans.go), where the reminder policy lives. Whoever makes the
-- change, the dispatcher plans it on its next tick, and a rollback leaves
-- nothing. baseline_date and clinician_id are the participant's after the
-- change, so each replan is planned from the date it was made for.

-- +goose Up
CREATE TABLE reminders (
    id              bigserial PRIMARY KEY,
    participant_id  bigint NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    timepoint       text NOT NULL,
    step            text NOT NULL,
    status          text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'claimed', 'sent', 'cancelled', 'failed', 'skipped')),
    send_at         timestamptz NOT NULL,
    attempts        integer NOT NULL DEFAULT 0,
    claimed_at      timestamptz,
    claimed_by      text,
    sent_at         timestamptz,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    subject_id      bigint NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    note            text,
    CONSTRAINT reminders_once UNIQUE (participant_id, subject_id, timepoint, step)
);
CREATE INDEX reminders_due ON reminders (send_at) WHERE status IN ('pending', 'claimed');
CREATE INDEX reminders_subject ON reminders (subject_id, timepoint);

CREATE TABLE reminder_replans (
    id                bigserial PRIMARY KEY,
    participant_id    bigint NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    change            text NOT NULL CHECK (change IN ('participant', 'consent')),
    -- 'participant': the row's values before (NULL for an insert) and after.
    -- 'consent': the decision, with the participant's baseline date and
    -- clinician at that moment.
    old_status        text,
    new_status        text,
    old_baseline_date date,
    baseline_date     date,
    old_clinician_id  bigint,
    clinician_id      bigint,
    agreed            boolean,
    created_at        timestamptz NOT NULL DEFAULT now()
);

-- +goose StatementBegin
CREATE FUNCTION reminder_replans_participant() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- OLD is NULL for an insert.
    INSERT INTO reminder_replans (participant_id, change, old_status, new_status,
        old_baseline_date, baseline_date, old_clinician_id, clinician_id)
    VALUES (NEW.id, 'participant', OLD.status, NEW.status,
        OLD.baseline_date, NEW.baseline_date, OLD.clinician_id, NEW.clinician_id);
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER reminder_replans_participant_insert
    AFTER INSERT ON participants
    FOR EACH ROW EXECUTE FUNCTION reminder_replans_participant();

CREATE TRIGGER reminder_replans_participant_update
    AFTER UPDATE OF status, baseline_date, clinician_id ON participants
    FOR EACH ROW
    WHEN ((OLD.status, OLD.baseline_date, OLD.clinician_id)
          IS DISTINCT FROM (NEW.status, NEW.baseline_date, NEW.clinician_id))
    EXECUTE FUNCTION reminder_replans_participant();

-- +goose StatementBegin
CREATE FUNCTION reminder_replans_consent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reminder_replans (participant_id, change, agreed, baseline_date, clinician_id)
    SELECT NEW.participant_id, 'consent', NEW.agreed, p.baseline_date, p.clinician_id
    FROM participants p WHERE p.id = NEW.participant_id;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER reminder_replans_consent
    AFTER INSERT ON consents
    FOR EACH ROW EXECUTE FUNCTION reminder_replans_consent();

-- +goose Down
DROP TRIGGER reminder_replans_consent ON consents;
DROP FUNCTION reminder_replans_consent();
DROP TRIGGER reminder_replans_participant_update ON participants;
DROP TRIGGER reminder_replans_participant_insert ON participants;
DROP FUNCTION reminder_replans_participant();
DROP TABLE reminder_replans, reminders;
