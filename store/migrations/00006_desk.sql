-- The coordinators' web desk.
--
-- desk_logins: single-use login links, made by `imrbot desk login` or the
-- chat's /desk, stored only as the SHA-256 of their token (like invites),
-- each valid for minutes and spent by its first use. desk_sessions: a
-- browser logged in as a coordinator, keyed by the SHA-256 of its cookie,
-- with the token its forms carry against cross-site requests; it ends when
-- revoked (logout), after hours idle, or when the coordinator withdraws
-- (checked at each request). desk_study_wide: coordinators of the study's
-- central team, who see every site.

-- +goose Up
CREATE TABLE desk_logins (
    token_hash     bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    coordinator_id bigint NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    expires_at     timestamptz NOT NULL,
    used_at        timestamptz,
    created_at     timestamptz NOT NULL
);
CREATE INDEX desk_logins_coordinator ON desk_logins (coordinator_id);

CREATE TABLE desk_sessions (
    token_hash     bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    coordinator_id bigint NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    csrf_token     text NOT NULL CHECK (csrf_token <> ''),
    created_at     timestamptz NOT NULL,
    last_seen_at   timestamptz NOT NULL,
    revoked_at     timestamptz
);
CREATE INDEX desk_sessions_coordinator ON desk_sessions (coordinator_id);

CREATE TABLE desk_study_wide (
    coordinator_id bigint PRIMARY KEY REFERENCES participants (id) ON DELETE CASCADE,
    granted_at     timestamptz NOT NULL,
    granted_by     text NOT NULL
);

-- +goose Down
DROP TABLE desk_study_wide, desk_sessions, desk_logins;
