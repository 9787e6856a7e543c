-- A queued replan carries the baseline date and clinician it was made for.
--
-- An offer made at consent covers only the timepoints open then, computed
-- from the baseline date of that moment. When a correction follows before
-- the planner runs, planning the offer from the corrected date would count
-- it as an offer of a follow-up that was never offered (a lost reminder).
-- So the planner plans each replan from its own date (and clinician), in
-- the order they were queued, as if it had run right after each one.

-- +goose Up
ALTER TABLE reminder_replans ADD COLUMN baseline_date date;
ALTER TABLE reminder_replans ADD COLUMN clinician_id bigint;

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION reminders_replan() RETURNS trigger LANGUAGE plpgsql AS $$
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
    INSERT INTO reminder_replans (participant_id, reason, baseline_date, clinician_id)
    VALUES (NEW.id, why, NEW.baseline_date, NEW.clinician_id);
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION reminders_replan_consent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.agreed THEN
        INSERT INTO reminder_replans (participant_id, reason, baseline_date, clinician_id)
        SELECT NEW.participant_id, 'start', p.baseline_date, p.clinician_id
        FROM participants p WHERE p.id = NEW.participant_id;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- Replans queued before this migration are planned from the current state.
UPDATE reminder_replans r SET baseline_date = p.baseline_date, clinician_id = p.clinician_id
FROM participants p WHERE p.id = r.participant_id;

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION reminders_replan_consent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.agreed THEN
        INSERT INTO reminder_replans (participant_id, reason) VALUES (NEW.participant_id, 'start');
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION reminders_replan() RETURNS trigger LANGUAGE plpgsql AS $$
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

ALTER TABLE reminder_replans DROP COLUMN clinician_id;
ALTER TABLE reminder_replans DROP COLUMN baseline_date;
