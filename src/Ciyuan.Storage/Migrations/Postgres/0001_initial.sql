-- The PostgreSQL schema: the same tables as the SQLite file (times as Unix milliseconds, money as
-- micro-units), plus budget counters that hold both spent and held amounts (instances share them)
-- and the instances' heartbeats (to tell a dead instance's holds from a live one's).
CREATE TABLE meta (
    name  text PRIMARY KEY,
    value bigint NOT NULL
);
INSERT INTO meta (name, value) VALUES ('keys_version', 0), ('budgets_version', 0);

CREATE TABLE client_keys (
    id               text PRIMARY KEY,
    name             text NOT NULL,
    hash             bytea NOT NULL UNIQUE,
    prefix           text NOT NULL,
    created_at       bigint NOT NULL,
    revoked_at       bigint,
    budget_micro_usd bigint,
    rpm              integer,
    policy           text,
    project          text,
    tpm              bigint,
    max_concurrency  integer
);

CREATE TABLE usage_records (
    request_id      text PRIMARY KEY,
    created_at      bigint NOT NULL,
    key_id          text NOT NULL,
    run_id          text,
    endpoint        text NOT NULL,
    model_alias     text NOT NULL,
    provider        text NOT NULL,
    deployment      text NOT NULL,
    upstream_model  text NOT NULL,
    jurisdiction    text NOT NULL,
    input_uncached  bigint NOT NULL,
    cache_read      bigint NOT NULL,
    cache_write     bigint NOT NULL,
    output          bigint NOT NULL,
    reasoning       bigint NOT NULL,
    usage_estimated integer NOT NULL,
    cost_micros     bigint NOT NULL,
    currency        text NOT NULL,
    unpriced        integer NOT NULL,
    status          text NOT NULL,
    http_status     integer NOT NULL,
    error           text,
    streamed        integer NOT NULL,
    attempts        integer NOT NULL,
    latency_ms      double precision NOT NULL,
    ttft_ms         double precision,
    project         text
);
CREATE INDEX ix_usage_records_created ON usage_records (created_at);
CREATE INDEX ix_usage_records_key ON usage_records (key_id, created_at);
CREATE INDEX ix_usage_records_run ON usage_records (run_id, created_at) WHERE run_id IS NOT NULL;
CREATE INDEX ix_usage_records_project ON usage_records (project, created_at) WHERE project IS NOT NULL;

CREATE TABLE budgets (
    id           text PRIMARY KEY,
    scope        text NOT NULL,
    subject      text NOT NULL,
    model        text,
    period       text NOT NULL,
    limit_micros bigint NOT NULL,
    currency     text NOT NULL,
    source       text NOT NULL,
    updated_at   bigint NOT NULL
);

-- Append-only, as in SQLite: hold, attempt, commit, release, in_doubt (and release seq 1: an
-- operator's release of an in-doubt hold).
CREATE TABLE budget_entries (
    request_id    text NOT NULL,
    kind          text NOT NULL,
    seq           integer NOT NULL,
    at            bigint NOT NULL,
    instance      text,
    key_id        text,
    project       text,
    run_id        text,
    model         text,
    provider      text,
    deployment    text,
    amount_micros bigint NOT NULL,
    lines         text,
    PRIMARY KEY (request_id, kind, seq)
);
CREATE INDEX ix_budget_entries_open ON budget_entries (kind, at);

-- Per line and window, in the line's currency: spent (in-doubt holds included) and held by
-- requests in flight on any instance. Rows are locked in (line_id, window_start) order by every
-- writer, so concurrent instances never deadlock on them.
CREATE TABLE budget_counters (
    line_id      text NOT NULL,
    window_start bigint NOT NULL,
    spent_micros bigint NOT NULL,
    held_micros  bigint NOT NULL,
    PRIMARY KEY (line_id, window_start)
);

CREATE TABLE usage_rollups (
    day             text NOT NULL,
    key_id          text NOT NULL,
    project         text NOT NULL,
    run_id          text NOT NULL,
    model_alias     text NOT NULL,
    provider        text NOT NULL,
    currency        text NOT NULL,
    requests        bigint NOT NULL,
    input_uncached  bigint NOT NULL,
    cache_read      bigint NOT NULL,
    cache_write     bigint NOT NULL,
    output          bigint NOT NULL,
    reasoning       bigint NOT NULL,
    cost_micros     bigint NOT NULL,
    estimated       bigint NOT NULL,
    unpriced        bigint NOT NULL,
    PRIMARY KEY (day, key_id, project, run_id, model_alias, provider, currency)
);

CREATE TABLE instances (
    id        text PRIMARY KEY,
    last_seen bigint NOT NULL
);

-- Reserve in one round trip: lock the request's counters in a stable order, then — seeing what
-- committed while it waited — grant a request id that already holds without holding twice (a
-- retry, even one whose own first hold filled the line), or check every line and either hold on
-- all of them and append the hold entry, or change nothing and say which line (0-based) lacked
-- room and what it had left. The caller passes the lines sorted by (line id, window).
CREATE FUNCTION ciyuan_reserve(
    p_request text, p_at bigint, p_instance text, p_key text, p_project text, p_run text, p_model text,
    p_provider text, p_deployment text, p_worst bigint, p_lines text,
    p_line_ids text[], p_windows bigint[], p_amounts bigint[], p_limits bigint[])
RETURNS TABLE (refused_index integer, remaining bigint)
LANGUAGE plpgsql AS $$
DECLARE
    n integer := coalesce(array_length(p_line_ids, 1), 0);
    i integer;
    c record;
    inserted integer;
BEGIN
    IF n > 0 THEN
        INSERT INTO budget_counters (line_id, window_start, spent_micros, held_micros)
        SELECT u.l, u.w, 0, 0 FROM unnest(p_line_ids, p_windows) AS u(l, w)
        ON CONFLICT DO NOTHING;
        PERFORM 1 FROM budget_counters b
        WHERE (b.line_id, b.window_start) IN (SELECT u.l, u.w FROM unnest(p_line_ids, p_windows) AS u(l, w))
        ORDER BY b.line_id, b.window_start
        FOR UPDATE;
    END IF;

    -- Each statement of a volatile function sees what committed before it, so a twin that held
    -- while this one waited for the locks is seen here.
    IF EXISTS (SELECT 1 FROM budget_entries WHERE request_id = p_request AND kind = 'hold' AND seq = 0) THEN
        refused_index := -1;
        remaining := 0;
        RETURN NEXT;
        RETURN;
    END IF;

    FOR i IN 1..n LOOP
        SELECT spent_micros, held_micros INTO c FROM budget_counters
        WHERE line_id = p_line_ids[i] AND window_start = p_windows[i];
        IF c.spent_micros + c.held_micros + p_amounts[i] > p_limits[i] THEN
            refused_index := i - 1;
            remaining := greatest(0, p_limits[i] - c.spent_micros - c.held_micros);
            RETURN NEXT;
            RETURN;
        END IF;
    END LOOP;

    INSERT INTO budget_entries (request_id, kind, seq, at, instance, key_id, project, run_id, model, provider, deployment, amount_micros, lines)
    VALUES (p_request, 'hold', 0, p_at, p_instance, p_key, p_project, p_run, p_model, p_provider, p_deployment, p_worst, p_lines)
    ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS inserted = ROW_COUNT;
    IF inserted = 1 AND n > 0 THEN
        UPDATE budget_counters b SET held_micros = b.held_micros + u.a
        FROM unnest(p_line_ids, p_windows, p_amounts) AS u(l, w, a)
        WHERE b.line_id = u.l AND b.window_start = u.w;
    END IF;

    refused_index := -1;
    remaining := 0;
    RETURN NEXT;
END;
$$;

