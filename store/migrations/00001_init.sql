-- The whole data model of DESIGN.md. Telegram ids live only in
-- telegram_links, so erasing a participant's link erases every trace of
-- who they are; everything else is keyed by pseudonymous participant codes.

-- +goose Up
CREATE TABLE settings (
    key   text PRIMARY KEY,
    value text NOT NULL
);

CREATE TABLE sites (
    code       text PRIMARY KEY CHECK (code ~ '^[A-Z][A-Z0-9]{1,9}$'),
    name       text NOT NULL CHECK (name <> ''),
    timezone   text NOT NULL DEFAULT 'Europe/Oslo',
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE participants (
    id            bigserial PRIMARY KEY,
    code          text NOT NULL UNIQUE,
    site          text NOT NULL REFERENCES sites (code),
    role          text NOT NULL CHECK (role IN ('consumer', 'clinician', 'coordinator')),
    number        integer NOT NULL CHECK (number > 0),
    -- NULL: not chosen at invitation; the chat uses the Telegram app's language.
    lang          text CHECK (lang IN ('en', 'nb')),
    status        text NOT NULL DEFAULT 'invited'
                  CHECK (status IN ('invited', 'active', 'withdrawn', 'unreachable')),
    baseline_date date,
    clinician_id  bigint REFERENCES participants (id),
    erased_at     timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (site, role, number)
);
CREATE INDEX participants_clinician ON participants (clinician_id) WHERE clinician_id IS NOT NULL;
CREATE INDEX participants_site_role ON participants (site, role);

-- An invite code is shown once and stored only as its SHA-256.
CREATE TABLE invites (
    code_hash      bytea PRIMARY KEY CHECK (length(code_hash) = 32),
    participant_id bigint NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    expires_at     timestamptz NOT NULL,
    redeemed_at    timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX invites_participant ON invites (participant_id);

-- The one erasable table that knows who a participant is on Telegram.
CREATE TABLE telegram_links (
    participant_id bigint PRIMARY KEY REFERENCES participants (id) ON DELETE CASCADE,
    user_id        bigint NOT NULL UNIQUE,
    chat_id        bigint NOT NULL UNIQUE,
    linked_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE consents (
    id             bigserial PRIMARY KEY,
    participant_id bigint NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    version        text NOT NULL,
    agreed         boolean NOT NULL,
    decided_at     timestamptz NOT NULL
);
CREATE INDEX consents_participant ON consents (participant_id, decided_at DESC);

-- An assessment is one questionnaire answered by a respondent about a
-- subject at a timepoint. Self-reports and site ratings have
-- subject = respondent; a clinician rating a consumer has subject = consumer.
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

-- Append-only: a changed answer is a new row and the current value is the
-- latest row of its (assessment, item). value NULL records a skip.
CREATE TABLE answers (
    id            bigserial PRIMARY KEY,
    assessment_id bigint NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    item          text NOT NULL,
    value         text,
    update_id     bigint,
    answered_at   timestamptz NOT NULL
);
CREATE INDEX answers_current ON answers (assessment_id, item, id DESC);

-- Conversation state per linked participant; the row lock on it serialises
-- the updates of one chat across every serve process.
CREATE TABLE conversations (
    participant_id    bigint PRIMARY KEY REFERENCES participants (id) ON DELETE CASCADE,
    state             jsonb NOT NULL DEFAULT '{}',
    last_update_id    bigint,
    prompt_message_id bigint,
    updated_at        timestamptz NOT NULL DEFAULT now()
);

-- De-duplication of Telegram updates by id; pruned after a week.
CREATE TABLE processed_updates (
    update_id    bigint PRIMARY KEY,
    processed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX processed_updates_age ON processed_updates (processed_at);

-- One row per (participant, timepoint, step); the unique key is what makes
-- a reminder go out exactly once however many dispatchers run.
CREATE TABLE reminders (
    id              bigserial PRIMARY KEY,
    participant_id  bigint NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    timepoint       text NOT NULL,
    step            text NOT NULL,
    status          text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'claimed', 'sent', 'cancelled', 'failed')),
    send_at         timestamptz NOT NULL,
    attempts        integer NOT NULL DEFAULT 0,
    claimed_at      timestamptz,
    claimed_by      text,
    sent_at         timestamptz,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (participant_id, timepoint, step)
);
CREATE INDEX reminders_due ON reminders (send_at) WHERE status IN ('pending', 'claimed');

CREATE TABLE audit_log (
    id             bigserial PRIMARY KEY,
    at             timestamptz NOT NULL DEFAULT now(),
    actor          text NOT NULL,
    action         text NOT NULL,
    participant_id bigint REFERENCES participants (id) ON DELETE SET NULL,
    detail         jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_participant ON audit_log (participant_id, at);

-- +goose Down
DROP TABLE audit_log, reminders, processed_updates, conversations, answers,
    assessments, consents, telegram_links, invites, participants, sites, settings;
