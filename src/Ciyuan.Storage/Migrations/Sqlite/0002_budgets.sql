-- Projects on keys, budget lines, the append-only budget ledger, durable spend counters and
-- usage rollups for reports.
ALTER TABLE client_keys ADD COLUMN project TEXT;
ALTER TABLE client_keys ADD COLUMN tpm INTEGER;
ALTER TABLE client_keys ADD COLUMN max_concurrency INTEGER;

ALTER TABLE usage_records ADD COLUMN project TEXT;
CREATE INDEX ix_usage_records_run ON usage_records (run_id, created_at) WHERE run_id IS NOT NULL;
CREATE INDEX ix_usage_records_project ON usage_records (project, created_at) WHERE project IS NOT NULL;

INSERT INTO meta (name, value) VALUES ('budgets_version', 0);

-- Lines made through the admin API; config lines are not stored.
CREATE TABLE budgets (
    id           TEXT PRIMARY KEY,
    scope        TEXT NOT NULL,      -- project | key | run
    subject      TEXT NOT NULL,
    model        TEXT,
    period       TEXT NOT NULL,      -- total | daily | monthly
    limit_micros INTEGER NOT NULL,
    currency     TEXT NOT NULL,
    source       TEXT NOT NULL,
    updated_at   INTEGER NOT NULL
);

-- Append-only: hold (before dispatch), attempt (a fallback to another deployment), commit or
-- release (written with the usage record), in_doubt (an orphaned hold found at start-up) and an
-- operator's release of an in-doubt hold (kind release, seq 1). Never updated, never deleted.
CREATE TABLE budget_entries (
    request_id    TEXT NOT NULL,
    kind          TEXT NOT NULL,
    seq           INTEGER NOT NULL,
    at            INTEGER NOT NULL,
    instance      TEXT,
    key_id        TEXT,
    project       TEXT,
    run_id        TEXT,
    model         TEXT,
    provider      TEXT,
    deployment    TEXT,
    amount_micros INTEGER NOT NULL,  -- micro-USD: the worst case for a hold, the cost for a commit
    lines         TEXT,              -- a hold's lines: "line_id|window_start_ms|amount_micros" joined by newlines
    PRIMARY KEY (request_id, kind, seq)
) WITHOUT ROWID;
CREATE INDEX ix_budget_entries_open ON budget_entries (kind, at);

-- Spend per budget line and window, in the line's currency, moved in the same transaction as the
-- entry that causes it, so start-up reads it instead of summing the whole ledger.
CREATE TABLE budget_spend (
    line_id      TEXT NOT NULL,
    window_start INTEGER NOT NULL,
    spent_micros INTEGER NOT NULL,
    PRIMARY KEY (line_id, window_start)
) WITHOUT ROWID;

-- One row per UTC day, key, project, run, model, provider and currency, kept in the same
-- transaction as the usage records so reports stay fast at millions of rows and outlive retention.
CREATE TABLE usage_rollups (
    day             TEXT NOT NULL,
    key_id          TEXT NOT NULL,
    project         TEXT NOT NULL,   -- '' when none
    run_id          TEXT NOT NULL,   -- '' when none
    model_alias     TEXT NOT NULL,
    provider        TEXT NOT NULL,
    currency        TEXT NOT NULL,
    requests        INTEGER NOT NULL,
    input_uncached  INTEGER NOT NULL,
    cache_read      INTEGER NOT NULL,
    cache_write     INTEGER NOT NULL,
    output          INTEGER NOT NULL,
    reasoning       INTEGER NOT NULL,
    cost_micros     INTEGER NOT NULL,
    estimated       INTEGER NOT NULL,
    unpriced        INTEGER NOT NULL,
    PRIMARY KEY (day, key_id, project, run_id, model_alias, provider, currency)
) WITHOUT ROWID;
INSERT INTO usage_rollups
SELECT strftime('%Y-%m-%d', created_at / 1000, 'unixepoch'), key_id, '', COALESCE(run_id, ''), model_alias, provider, currency,
       COUNT(*), SUM(input_uncached), SUM(cache_read), SUM(cache_write), SUM(output), SUM(reasoning), SUM(cost_micros),
       SUM(usage_estimated), SUM(unpriced)
FROM usage_records GROUP BY 1, 2, 3, 4, 5, 6, 7;
