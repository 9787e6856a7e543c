-- What participants answer. An assessment is one questionnaire answered by
-- a respondent about a subject at a timepoint: self-reports and site
-- ratings have subject = respondent; a clinician rating a consumer has
-- subject = consumer. answers is append-only: a changed answer is a new
-- row and the current value is the latest row of its (assessment, item).
-- answer_imports: each `imrbot answers import` of answers collected on
-- paper, so that every answer says where it came from.

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

CREATE TABLE answer_imports (
    id          bigserial PRIMARY KEY,
    file        text NOT NULL,
    sha256      bytea NOT NULL CHECK (length(sha256) = 32),
    actor       text NOT NULL,
    rows        integer NOT NULL CHECK (rows > 0),
    imported_at timestamptz NOT NULL
);

-- value NULL records a skip. An answer came from the chat (update_id, the
-- Telegram update that carried it) or from paper (import_id, the import
-- that brought it): the long export's source column reads import_id.
CREATE TABLE answers (
    id            bigserial PRIMARY KEY,
    assessment_id bigint NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    item          text NOT NULL,
    value         text,
    update_id     bigint,
    import_id     bigint REFERENCES answer_imports (id),
    answered_at   timestamptz NOT NULL,
    CHECK (update_id IS NULL OR import_id IS NULL)
);
CREATE INDEX answers_current ON answers (assessment_id, item, id DESC);

-- +goose Down
DROP TABLE answers, answer_imports, assessments;
