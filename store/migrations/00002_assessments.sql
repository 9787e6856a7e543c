-- What participants answer. An assessment is one questionnaire answered by
-- a respondent about a subject at a timepoint: self-reports and site
-- ratings have subject = respondent; a clinician rating a consumer has
-- subject = consumer. answers is append-only: a changed answer is a new
-- row and the current value is the latest row of its (assessment, item).

-- +goose Up
CREATE TABLE assessments (
    id            bigserial PRIMARY KEY,
    subject_id    bigint NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    respondent_id bigint NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    questionnaire text NOT NULL,
    version       text NOT NULL,
    timepoint     text NOT NULL,
    status        text NOT NULL DEFAULT 'open'
                  CHECK (status IN ('open', 'in_progress', 'completed', 'expired')),
    opened_at     timestamptz NOT NULL,
    started_at    timestamptz,
    completed_at  timestamptz,
    UNIQUE (subject_id, respondent_id, questionnaire, timepoint)
);
CREATE INDEX assessments_respondent ON assessments (respondent_id, status);
CREATE INDEX assessments_subject_timepoint ON assessments (subject_id, timepoint);

-- value NULL records a skip; update_id is the Telegram update that carried
-- the answer.
CREATE TABLE answers (
    id            bigserial PRIMARY KEY,
    assessment_id bigint NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    item          text NOT NULL,
    value         text,
    update_id     bigint,
    answered_at   timestamptz NOT NULL
);
CREATE INDEX answers_current ON answers (assessment_id, item, id DESC);

-- +goose Down
DROP TABLE answers, assessments;
