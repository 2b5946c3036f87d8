-- Keys, the change counter servers poll, and the usage ledger.
CREATE TABLE meta (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO meta (name, value) VALUES ('keys_version', 0);

CREATE TABLE client_keys (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    hash             BLOB NOT NULL UNIQUE,
    prefix           TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    revoked_at       INTEGER,
    budget_micro_usd INTEGER,
    rpm              INTEGER,
    policy           TEXT
);

CREATE TABLE usage_records (
    request_id      TEXT PRIMARY KEY,
    created_at      INTEGER NOT NULL,
    key_id          TEXT NOT NULL,
    run_id          TEXT,
    endpoint        TEXT NOT NULL,
    model_alias     TEXT NOT NULL,
    provider        TEXT NOT NULL,
    deployment      TEXT NOT NULL,
    upstream_model  TEXT NOT NULL,
    jurisdiction    TEXT NOT NULL,
    input_uncached  INTEGER NOT NULL,
    cache_read      INTEGER NOT NULL,
    cache_write     INTEGER NOT NULL,
    output          INTEGER NOT NULL,
    reasoning       INTEGER NOT NULL,
    usage_estimated INTEGER NOT NULL,
    cost_micros     INTEGER NOT NULL,
    currency        TEXT NOT NULL,
    unpriced        INTEGER NOT NULL,
    status          TEXT NOT NULL,
    http_status     INTEGER NOT NULL,
    error           TEXT,
    streamed        INTEGER NOT NULL,
    attempts        INTEGER NOT NULL,
    latency_ms      REAL NOT NULL,
    ttft_ms         REAL
);
CREATE INDEX ix_usage_records_created ON usage_records (created_at);
CREATE INDEX ix_usage_records_key ON usage_records (key_id, created_at);
