-- The cohort's facts, so that the desk's overview and /status count a
-- hundred thousand participants without joining five tables on every page
-- (store/cohort_facts.go).
--
-- cohort_facts: one row per participant with every fact the counts group
-- them by. cohort_counts: how many participants share each combination of
-- those facts, the groups the counts read. Both are derived data, like an
-- index: as with reminder_replans, the triggers below only record which
-- participants a change touched (cohort_changes), and store/ recomputes
-- those participants' facts from the tables themselves, with the same SQL
-- rules it uses everywhere else (participants.go), moving each from its
-- old group to its new one. A change marker commits or rolls back with its
-- change, so a count never misses a committed change and never sees an
-- uncommitted one.

-- +goose Up
CREATE TABLE cohort_changes (
    id             bigserial PRIMARY KEY,
    participant_id bigint NOT NULL
);

CREATE TABLE cohort_facts (
    participant_id bigint PRIMARY KEY,
    -- Copies of the participants row.
    site           text NOT NULL,
    role           text NOT NULL,
    status         text NOT NULL,
    baseline_date  date,
    clinician_id   bigint,
    -- A chat is linked to them.
    linked         boolean NOT NULL,
    -- Their latest consent decision in the chat; NULL when they never decided there.
    agreed         boolean,
    -- The latest expiry of their invitations neither redeemed nor revoked.
    invite_until   timestamptz,
    -- The completed assessments about them, by themselves and by their
    -- clinician: their 'timepoint/questionnaire' keys, sorted, space-separated.
    self_done      text NOT NULL,
    rated_done     text NOT NULL
);

-- The groups: cohort_facts' columns but the participant's, and how many
-- participants have those facts.
CREATE TABLE cohort_counts (LIKE cohort_facts);
ALTER TABLE cohort_counts
    DROP COLUMN participant_id,
    ADD COLUMN n integer NOT NULL,
    ADD UNIQUE NULLS NOT DISTINCT (site, role, status, baseline_date, clinician_id, linked, agreed,
                                   invite_until, self_done, rated_done);

-- +goose StatementBegin
-- cohort_changed records the participant named by the column TG_ARGV[0]
-- of the row before and after the change.
CREATE FUNCTION cohort_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- OLD is NULL for an insert, NEW for a delete.
    INSERT INTO cohort_changes (participant_id)
    SELECT DISTINCT id
    FROM (VALUES ((to_jsonb(OLD) ->> TG_ARGV[0])::bigint), ((to_jsonb(NEW) ->> TG_ARGV[0])::bigint)) v(id)
    WHERE id IS NOT NULL;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER cohort_participant_insert_delete
    AFTER INSERT OR DELETE ON participants
    FOR EACH ROW EXECUTE FUNCTION cohort_changed('id');

CREATE TRIGGER cohort_participant_update
    AFTER UPDATE OF site, role, status, baseline_date, clinician_id ON participants
    FOR EACH ROW
    WHEN ((OLD.site, OLD.role, OLD.status, OLD.baseline_date, OLD.clinician_id)
          IS DISTINCT FROM (NEW.site, NEW.role, NEW.status, NEW.baseline_date, NEW.clinician_id))
    EXECUTE FUNCTION cohort_changed('id');

CREATE TRIGGER cohort_link
    AFTER INSERT OR DELETE OR UPDATE OF participant_id ON telegram_links
    FOR EACH ROW EXECUTE FUNCTION cohort_changed('participant_id');

CREATE TRIGGER cohort_consent
    AFTER INSERT OR DELETE OR UPDATE ON consents
    FOR EACH ROW EXECUTE FUNCTION cohort_changed('participant_id');

CREATE TRIGGER cohort_invite
    AFTER INSERT OR DELETE OR UPDATE OF participant_id, expires_at, redeemed_at, revoked_at ON invites
    FOR EACH ROW EXECUTE FUNCTION cohort_changed('participant_id');

-- Only completions move the facts; an answer saved mid-questionnaire
-- records nothing.
CREATE TRIGGER cohort_assessment_insert
    AFTER INSERT ON assessments
    FOR EACH ROW WHEN (NEW.status = 'completed')
    EXECUTE FUNCTION cohort_changed('subject_id');

CREATE TRIGGER cohort_assessment_update
    AFTER UPDATE ON assessments
    FOR EACH ROW
    WHEN ((OLD.status = 'completed' OR NEW.status = 'completed')
          AND (OLD.status, OLD.subject_id, OLD.respondent_id, OLD.questionnaire, OLD.timepoint)
              IS DISTINCT FROM (NEW.status, NEW.subject_id, NEW.respondent_id, NEW.questionnaire, NEW.timepoint))
    EXECUTE FUNCTION cohort_changed('subject_id');

CREATE TRIGGER cohort_assessment_delete
    AFTER DELETE ON assessments
    FOR EACH ROW WHEN (OLD.status = 'completed')
    EXECUTE FUNCTION cohort_changed('subject_id');

-- Everyone already there is counted from the first refresh on.
INSERT INTO cohort_changes (participant_id) SELECT id FROM participants;

-- +goose Down
DROP TRIGGER cohort_assessment_delete ON assessments;
DROP TRIGGER cohort_assessment_update ON assessments;
DROP TRIGGER cohort_assessment_insert ON assessments;
DROP TRIGGER cohort_invite ON invites;
DROP TRIGGER cohort_consent ON consents;
DROP TRIGGER cohort_link ON telegram_links;
DROP TRIGGER cohort_participant_update ON participants;
DROP TRIGGER cohort_participant_insert_delete ON participants;
DROP FUNCTION cohort_changed();
DROP TABLE cohort_counts, cohort_facts, cohort_changes;
