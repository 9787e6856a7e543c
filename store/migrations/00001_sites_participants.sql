-- Who takes part, and where. Telegram ids live only in telegram_links, so
-- erasing a participant's link erases every trace of who they are;
-- everything else is keyed by pseudonymous participant codes.
--
-- sites: the participating services, each with the time zone its dates
-- are read in. participants: a person in the study (consumer, clinician,
-- coordinator of a site, or assessor: an external rater invited at a site
-- who rates every site and clinician), their language, status, baseline date and, for a
-- consumer, their clinician. invites: single-use invite codes, stored only
-- as their SHA-256, revoked when reissued. telegram_links: the chat linked
-- to a participant, and the message asking the chat's current question
-- (recorded after the answer's transaction, many chats at once:
-- telegram_links is never locked by an answer). consents: every consent
-- decision, kept when a participant is erased.

-- +goose Up
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
    role          text NOT NULL CHECK (role IN ('consumer', 'clinician', 'coordinator', 'assessor')),
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
    -- Set when the invitation is replaced by a reissued one (imrbot invite
    -- reissue): a revoked code links nothing.
    revoked_at     timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX invites_participant ON invites (participant_id);
-- The open invitations, read per participant by the desk's counts.
CREATE INDEX invites_open ON invites (participant_id) INCLUDE (expires_at)
    WHERE redeemed_at IS NULL AND revoked_at IS NULL;

-- The one erasable table that knows who a participant is on Telegram.
CREATE TABLE telegram_links (
    participant_id    bigint PRIMARY KEY REFERENCES participants (id) ON DELETE CASCADE,
    user_id           bigint NOT NULL UNIQUE,
    chat_id           bigint NOT NULL UNIQUE,
    linked_at         timestamptz NOT NULL DEFAULT now(),
    prompt_message_id bigint
);

CREATE TABLE consents (
    id             bigserial PRIMARY KEY,
    participant_id bigint NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    version        text NOT NULL,
    agreed         boolean NOT NULL,
    decided_at     timestamptz NOT NULL
);
-- In the order of the latest decision (latestDecisionSQL), with the
-- decision itself, so that every participant's latest is read from the
-- index alone.
CREATE INDEX consents_participant ON consents (participant_id, decided_at DESC, id DESC) INCLUDE (agreed);

-- +goose Down
DROP TABLE consents, telegram_links, invites, participants, sites;
