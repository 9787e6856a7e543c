-- The reminder schedule's storage beyond 00001's reminders table.
--
-- subject_id: whom a reminder is about. A clinician is reminded to rate each
-- consumer on that consumer's schedule, and a coordinator is told about a
-- participant, so the key that makes a reminder go out once is
-- (recipient, subject, timepoint, step).
--
-- 'skipped' records a step that will never be sent (the consent offer stood
-- for it, or several past steps collapsed into one) so that replanning never
-- brings it back; note says why a row was skipped or cancelled.
--
-- reminder_replans is an outbox filled by triggers in the same transaction
-- as the change that moves a schedule (a linked chat, consent, a corrected
-- baseline date, a new clinician, a participant reachable again). Whoever makes that change,
-- the dispatcher plans it on its next tick, and a rollback leaves nothing.

-- +goose Up
ALTER TABLE reminders ADD COLUMN subject_id bigint REFERENCES participants (id) ON DELETE CASCADE;
UPDATE reminders SET subject_id = participant_id;
ALTER TABLE reminders ALTER COLUMN subject_id SET NOT NULL;
ALTER TABLE reminders ADD COLUMN note text;
ALTER TABLE reminders DROP CONSTRAINT reminders_participant_id_timepoint_step_key;
ALTER TABLE reminders ADD CONSTRAINT reminders_once UNIQUE (participant_id, subject_id, timepoint, step);
ALTER TABLE reminders DROP CONSTRAINT reminders_status_check;
ALTER TABLE reminders ADD CONSTRAINT reminders_status_check
    CHECK (status IN ('pending', 'claimed', 'sent', 'cancelled', 'failed', 'skipped'));
CREATE INDEX reminders_subject ON reminders (subject_id, timepoint);

-- A reminder inserted the 00001 way, without a subject, is about its
-- recipient.
-- +goose StatementBegin
CREATE FUNCTION reminders_default_subject() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.subject_id := coalesce(NEW.subject_id, NEW.participant_id);
    RETURN NEW;
END $$;
-- +goose StatementEnd

CREATE TRIGGER reminders_default_subject
    BEFORE INSERT ON reminders
    FOR EACH ROW EXECUTE FUNCTION reminders_default_subject();

CREATE TABLE reminder_replans (
    id             bigserial PRIMARY KEY,
    participant_id bigint NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    -- start: the participant linked their chat or consented, and the chat
    -- offers what is open at once, so steps already past count as reminded.
    -- The other reasons collapse the steps already past into one reminder.
    reason         text NOT NULL CHECK (reason IN ('start', 'baseline', 'clinician', 'reachable')),
    created_at     timestamptz NOT NULL DEFAULT now()
);

-- +goose StatementBegin
CREATE FUNCTION reminders_replan() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    why text;
BEGIN
    IF NEW.status <> 'active' OR NEW.baseline_date IS NULL THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' OR OLD.status = 'invited' OR OLD.baseline_date IS NULL THEN
        why := 'start';
    ELSIF OLD.status <> 'active' THEN
        why := 'reachable';
    ELSIF OLD.baseline_date IS DISTINCT FROM NEW.baseline_date THEN
        why := 'baseline';
    ELSIF OLD.clinician_id IS DISTINCT FROM NEW.clinician_id THEN
        why := 'clinician';
    ELSE
        RETURN NULL;
    END IF;
    INSERT INTO reminder_replans (participant_id, reason) VALUES (NEW.id, why);
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER reminders_replan
    AFTER INSERT OR UPDATE OF status, baseline_date, clinician_id ON participants
    FOR EACH ROW EXECUTE FUNCTION reminders_replan();

-- Consumers and clinicians are reminded only once they consented, which
-- may come after the chat was linked.
-- +goose StatementBegin
CREATE FUNCTION reminders_replan_consent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.agreed THEN
        INSERT INTO reminder_replans (participant_id, reason) VALUES (NEW.participant_id, 'start');
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER reminders_replan_consent
    AFTER INSERT ON consents
    FOR EACH ROW EXECUTE FUNCTION reminders_replan_consent();

-- Participants active before this migration get their schedule too.
INSERT INTO reminder_replans (participant_id, reason)
SELECT id, 'baseline' FROM participants WHERE status = 'active' AND baseline_date IS NOT NULL;

-- +goose Down
DROP TRIGGER reminders_replan_consent ON consents;
DROP FUNCTION reminders_replan_consent();
DROP TRIGGER reminders_replan ON participants;
DROP FUNCTION reminders_replan();
DROP TABLE reminder_replans;
DROP TRIGGER reminders_default_subject ON reminders;
DROP FUNCTION reminders_default_subject();
DROP INDEX reminders_subject;
DELETE FROM reminders WHERE subject_id <> participant_id OR status = 'skipped';
ALTER TABLE reminders DROP CONSTRAINT reminders_status_check;
ALTER TABLE reminders ADD CONSTRAINT reminders_status_check
    CHECK (status IN ('pending', 'claimed', 'sent', 'cancelled', 'failed'));
ALTER TABLE reminders DROP CONSTRAINT reminders_once;
ALTER TABLE reminders ADD CONSTRAINT reminders_participant_id_timepoint_step_key UNIQUE (participant_id, timepoint, step);
ALTER TABLE reminders DROP COLUMN note;
ALTER TABLE reminders DROP COLUMN subject_id;
