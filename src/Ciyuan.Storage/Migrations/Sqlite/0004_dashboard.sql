-- Admin tokens (signing in to /admin and the dashboard without the master key), dashboard
-- sessions, and the ledger in quarter-hour rollups for the dashboard's figures over time.
CREATE TABLE admin_tokens (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL,      -- admin | viewer
    hash       BLOB NOT NULL UNIQUE,
    prefix     TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);

-- Only the hash of a session id is kept; the browser holds the id in an HttpOnly cookie.
CREATE TABLE admin_sessions (
    id_hash    BLOB PRIMARY KEY,
    token_id   TEXT,               -- NULL: signed in with the master key
    subject    TEXT NOT NULL,
    role       TEXT NOT NULL,
    csrf       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX ix_admin_sessions_token ON admin_sessions (token_id) WHERE token_id IS NOT NULL;

-- One row per quarter hour (Unix ms of its UTC start), model, provider, deployment, jurisdiction
-- and currency, kept in the same transaction as the usage records.
CREATE TABLE usage_series (
    bucket          INTEGER NOT NULL,
    model_alias     TEXT NOT NULL,
    provider        TEXT NOT NULL,
    deployment      TEXT NOT NULL,
    jurisdiction    TEXT NOT NULL,
    currency        TEXT NOT NULL,
    requests        INTEGER NOT NULL,
    errors          INTEGER NOT NULL,
    input_uncached  INTEGER NOT NULL,
    cache_read      INTEGER NOT NULL,
    cache_write     INTEGER NOT NULL,
    output          INTEGER NOT NULL,
    reasoning       INTEGER NOT NULL,
    cost_micros     INTEGER NOT NULL,
    estimated       INTEGER NOT NULL,
    unpriced        INTEGER NOT NULL,
    PRIMARY KEY (bucket, model_alias, provider, deployment, jurisdiction, currency)
) WITHOUT ROWID;
INSERT INTO usage_series
SELECT (created_at / 900000) * 900000, model_alias, provider, deployment, jurisdiction, currency,
       COUNT(*), SUM(status NOT IN ('ok', 'client_disconnected')), SUM(input_uncached), SUM(cache_read), SUM(cache_write), SUM(output), SUM(reasoning),
       SUM(cost_micros), SUM(usage_estimated), SUM(unpriced)
FROM usage_records GROUP BY 1, 2, 3, 4, 5, 6;
