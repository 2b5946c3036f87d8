-- Admin tokens, dashboard sessions and the ledger in quarter-hour rollups (as in the SQLite file).
CREATE TABLE admin_tokens (
    id         text PRIMARY KEY,
    name       text NOT NULL,
    role       text NOT NULL,
    hash       bytea NOT NULL UNIQUE,
    prefix     text NOT NULL,
    created_at bigint NOT NULL,
    revoked_at bigint
);

CREATE TABLE admin_sessions (
    id_hash    bytea PRIMARY KEY,
    token_id   text,
    subject    text NOT NULL,
    role       text NOT NULL,
    csrf       text NOT NULL,
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL
);
CREATE INDEX ix_admin_sessions_token ON admin_sessions (token_id) WHERE token_id IS NOT NULL;

CREATE TABLE usage_series (
    bucket          bigint NOT NULL,
    model_alias     text NOT NULL,
    provider        text NOT NULL,
    deployment      text NOT NULL,
    jurisdiction    text NOT NULL,
    currency        text NOT NULL,
    requests        bigint NOT NULL,
    errors          bigint NOT NULL,
    input_uncached  bigint NOT NULL,
    cache_read      bigint NOT NULL,
    cache_write     bigint NOT NULL,
    output          bigint NOT NULL,
    reasoning       bigint NOT NULL,
    cost_micros     bigint NOT NULL,
    estimated       bigint NOT NULL,
    unpriced        bigint NOT NULL,
    PRIMARY KEY (bucket, model_alias, provider, deployment, jurisdiction, currency)
);
INSERT INTO usage_series
SELECT (created_at / 900000) * 900000, model_alias, provider, deployment, jurisdiction, currency,
       count(*), count(*) FILTER (WHERE status NOT IN ('ok', 'client_disconnected')), sum(input_uncached), sum(cache_read), sum(cache_write), sum(output),
       sum(reasoning), sum(cost_micros), sum(usage_estimated), sum(unpriced)
FROM usage_records GROUP BY 1, 2, 3, 4, 5, 6;
