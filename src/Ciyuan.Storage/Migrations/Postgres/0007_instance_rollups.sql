-- Batches of different instances no longer wait on one another.
--
-- Rollups per instance. Every instance's group commit used to add its records to the same rollup
-- rows (a hot budget's requests share day, key, project, run and model), so the three instances'
-- transactions queued on those row locks one behind the other. Each instance now adds to rows of
-- its own (the instance column); reports sum over instances as they already sum over days. Rows of
-- past days and buckets are folded into the shared row (instance '') by the hourly upkeep
-- (ciyuan_fold_rollups), so the tables stay as small as before however often instances restart.
ALTER TABLE usage_rollups ADD COLUMN instance text NOT NULL DEFAULT '';
ALTER TABLE usage_rollups DROP CONSTRAINT usage_rollups_pkey;
ALTER TABLE usage_rollups ADD PRIMARY KEY (day, key_id, project, run_id, model_alias, provider, currency, instance);

ALTER TABLE usage_series ADD COLUMN instance text NOT NULL DEFAULT '';
ALTER TABLE usage_series DROP CONSTRAINT usage_series_pkey;
ALTER TABLE usage_series ADD PRIMARY KEY (bucket, model_alias, provider, deployment, jurisdiction, currency, instance);

-- Moves the instances' rollup rows of days before p_day, and their series rows of buckets before
-- p_bucket, into the shared rows, in one transaction: every total is in exactly one row before and
-- after. The rows are locked in key order, the order in which a writer adds to its own, so a fold
-- and a late record of a past day wait for each other and never deadlock. Returns the rows folded.
CREATE FUNCTION ciyuan_fold_rollups(p_day text, p_bucket bigint)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    folded integer;
    series integer;
BEGIN
    PERFORM 1 FROM usage_rollups WHERE instance <> '' AND day < p_day
    ORDER BY day, key_id, project, run_id, model_alias, provider, currency, instance FOR UPDATE;
    WITH moved AS (
        DELETE FROM usage_rollups WHERE instance <> '' AND day < p_day RETURNING *)
    INSERT INTO usage_rollups (day, key_id, project, run_id, model_alias, provider, currency, instance, requests, input_uncached,
                               cache_read, cache_write, output, reasoning, cost_micros, estimated, unpriced, suspect)
    SELECT day, key_id, project, run_id, model_alias, provider, currency, '', sum(requests), sum(input_uncached), sum(cache_read),
           sum(cache_write), sum(output), sum(reasoning), sum(cost_micros), sum(estimated), sum(unpriced), sum(suspect)
    FROM moved
    GROUP BY day, key_id, project, run_id, model_alias, provider, currency
    ORDER BY day, key_id, project, run_id, model_alias, provider, currency
    ON CONFLICT (day, key_id, project, run_id, model_alias, provider, currency, instance) DO UPDATE SET
        requests = usage_rollups.requests + excluded.requests, input_uncached = usage_rollups.input_uncached + excluded.input_uncached,
        cache_read = usage_rollups.cache_read + excluded.cache_read, cache_write = usage_rollups.cache_write + excluded.cache_write,
        output = usage_rollups.output + excluded.output, reasoning = usage_rollups.reasoning + excluded.reasoning,
        cost_micros = usage_rollups.cost_micros + excluded.cost_micros, estimated = usage_rollups.estimated + excluded.estimated,
        unpriced = usage_rollups.unpriced + excluded.unpriced, suspect = usage_rollups.suspect + excluded.suspect;
    GET DIAGNOSTICS folded = ROW_COUNT;

    PERFORM 1 FROM usage_series WHERE instance <> '' AND bucket < p_bucket
    ORDER BY bucket, model_alias, provider, deployment, jurisdiction, currency, instance FOR UPDATE;
    WITH moved AS (
        DELETE FROM usage_series WHERE instance <> '' AND bucket < p_bucket RETURNING *)
    INSERT INTO usage_series (bucket, model_alias, provider, deployment, jurisdiction, currency, instance, requests, errors, input_uncached,
                              cache_read, cache_write, output, reasoning, cost_micros, estimated, unpriced)
    SELECT bucket, model_alias, provider, deployment, jurisdiction, currency, '', sum(requests), sum(errors), sum(input_uncached),
           sum(cache_read), sum(cache_write), sum(output), sum(reasoning), sum(cost_micros), sum(estimated), sum(unpriced)
    FROM moved
    GROUP BY bucket, model_alias, provider, deployment, jurisdiction, currency
    ORDER BY bucket, model_alias, provider, deployment, jurisdiction, currency
    ON CONFLICT (bucket, model_alias, provider, deployment, jurisdiction, currency, instance) DO UPDATE SET
        requests = usage_series.requests + excluded.requests, errors = usage_series.errors + excluded.errors,
        input_uncached = usage_series.input_uncached + excluded.input_uncached, cache_read = usage_series.cache_read + excluded.cache_read,
        cache_write = usage_series.cache_write + excluded.cache_write, output = usage_series.output + excluded.output,
        reasoning = usage_series.reasoning + excluded.reasoning, cost_micros = usage_series.cost_micros + excluded.cost_micros,
        estimated = usage_series.estimated + excluded.estimated, unpriced = usage_series.unpriced + excluded.unpriced;
    GET DIAGNOSTICS series = ROW_COUNT;
    RETURN folded + series;
END;
$$;

-- The writer's group commit, reworked so that batches of different instances share no lock and
-- each step finds its rows by primary key, whatever the planner's statistics say about a ledger
-- that grows by thousands of rows a second (lookups are per key, in LATERAL subqueries that cannot
-- be turned into a scan of every hold):
--  1. the hold rows of the requests being settled are locked in request-id order — the lock shared
--     with orphan reconciliation and an operator's release, so a hold is never both settled and in
--     doubt — reading whose they are and whether they were leased;
--  2. commit / release / attempt entries are appended (a repeat is ignored);
--  3. each new settlement moves money per line: a leased hold's lease gives up the held amount and
--     takes the cost as its spend; a hold already counted in doubt moves only the difference (the
--     whole cost if an operator had released it); a hold from before leases frees counters.held.
--     A line's counter row is locked only when money moves on it — a settlement within its lease
--     (the common case) touches the lease row alone, so instances settling on one hot line no
--     longer queue on its counter row;
--  4. new holds are appended, then fenced: on each line, this instance's lease must have room for
--     all of the batch's new holds on it, or those holds are taken out again and returned refused;
--     the rest are held in their leases.
-- Locks are taken holds, counters, leases, each in key order, like every writer.
-- Returns the refused holds' request ids (refused) and this instance's lease rows it changed.
CREATE OR REPLACE FUNCTION ciyuan_write(
    p_instance text,
    h_req text[], h_at bigint[], h_key text[], h_project text[], h_run text[], h_model text[],
    h_provider text[], h_deployment text[], h_worst bigint[], h_lines text[],
    hl_req text[], hl_line text[], hl_window bigint[], hl_amount bigint[],
    e_req text[], e_kind text[], e_seq integer[], e_at bigint[], e_provider text[], e_deployment text[], e_amount bigint[],
    s_req text[], s_line text[], s_window bigint[], s_hold bigint[], s_cost bigint[])
RETURNS TABLE (refused text, line_id text, window_start bigint, granted bigint, held bigint, spent bigint, version bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    -- The settled requests' hold rows: request, owner, leased.
    o_req text[] := '{}'; o_owner text[] := '{}'; o_leased boolean[] := '{}';
    new_settled text[] := '{}';
    doubted text[] := '{}';
    released text[] := '{}';
    -- The leases (line, window, owner) the settled holds sit in.
    k_line text[] := '{}'; k_window bigint[] := '{}'; k_owner text[] := '{}';
    -- The new settlements' moves, summed per (line, window, owner, mode): held amount, cost, cost
    -- within the held amount, cost beyond it.
    g_line text[] := '{}'; g_window bigint[] := '{}'; g_owner text[] := '{}'; g_mode text[] := '{}';
    g_hold bigint[] := '{}'; g_cost bigint[] := '{}'; g_within bigint[] := '{}'; g_over bigint[] := '{}';
    -- What those moves change on counter rows (only the lines where money moves there).
    c_line text[] := '{}'; c_window bigint[] := '{}'; c_held bigint[] := '{}'; c_spent bigint[] := '{}';
    -- The new holds (amount > 0 on a line, not written before) and what they ask of each line.
    inserted text[] := '{}';
    f_req text[] := '{}'; f_line text[] := '{}'; f_window bigint[] := '{}'; f_amount bigint[] := '{}';
    w_line text[] := '{}'; w_window bigint[] := '{}'; w_amount bigint[] := '{}';
    -- Lines whose lease lacks room for the batch's new holds on them.
    bad_line text[] := '{}'; bad_window bigint[] := '{}';
    refused_ids text[] := '{}';
    refused_id text;
    -- Entry kinds the lookups below compare with, as variables rather than literals: the plan is
    -- made once (generic), and a kind the planner cannot see cannot lead it to an index that
    -- covers only some kinds — on a table it last measured empty, such an index looks as cheap as
    -- the primary key and is then scanned whole for every request. The primary key is the only
    -- index left that fits.
    hold_kind CONSTANT text := 'hold';
    doubt_kinds CONSTANT text[] := ARRAY['in_doubt', 'release'];
BEGIN
    IF coalesce(array_length(e_req, 1), 0) > 0 THEN
        -- 1. The settled requests' hold rows, locked in request-id order.
        SELECT coalesce(array_agg(s.r), '{}'), coalesce(array_agg(h.instance), '{}'),
               coalesce(array_agg(h.leased), '{}')
        INTO o_req, o_owner, o_leased
        FROM (SELECT DISTINCT u.r FROM unnest(e_req, e_kind) AS u(r, k) WHERE u.k IN ('commit', 'release') ORDER BY 1) s
        CROSS JOIN LATERAL (
            SELECT b.instance, b.leased FROM budget_entries b
            WHERE b.request_id = s.r AND b.kind = hold_kind AND b.seq = 0
            LIMIT 1 FOR UPDATE) h;

        -- 2. Entries; the settlements that are new this time.
        WITH ins AS (
            INSERT INTO budget_entries (request_id, kind, seq, at, instance, provider, deployment, amount_micros)
            SELECT u.r, u.k, u.s, u.a, p_instance, u.p, u.d, u.m
            FROM unnest(e_req, e_kind, e_seq, e_at, e_provider, e_deployment, e_amount) AS u(r, k, s, a, p, d, m)
            ON CONFLICT DO NOTHING
            RETURNING budget_entries.request_id AS r, budget_entries.kind AS k)
        SELECT coalesce(array_agg(ins.r) FILTER (WHERE ins.k IN ('commit', 'release')), '{}') INTO new_settled FROM ins;
    END IF;

    IF coalesce(array_length(new_settled, 1), 0) > 0 THEN
        -- Which of them were found in doubt (and released by an operator since): rare, one probe each.
        SELECT coalesce(array_agg(DISTINCT n.r) FILTER (WHERE x.k = 'in_doubt'), '{}'),
               coalesce(array_agg(DISTINCT n.r) FILTER (WHERE x.k = 'release' AND x.s = 1), '{}')
        INTO doubted, released
        FROM unnest(new_settled) AS n(r)
        CROSS JOIN LATERAL (
            SELECT d.kind AS k, d.seq AS s FROM budget_entries d
            WHERE d.request_id = n.r AND d.kind = ANY(doubt_kinds) OFFSET 0) x;

        -- The leases the settled holds sit in, looked up once per (line, window, owner), not once
        -- per request: a hot lease row has many recent versions to walk past.
        SELECT coalesce(array_agg(t.l), '{}'), coalesce(array_agg(t.w), '{}'), coalesce(array_agg(t.o), '{}')
        INTO k_line, k_window, k_owner
        FROM (SELECT DISTINCT s.line AS l, s.win AS w, o.owner AS o
              FROM unnest(s_req, s_line, s_window) AS s(req, line, win)
              JOIN unnest(o_req, o_owner, o_leased) AS o(r, owner, leased) ON o.r = s.req
              WHERE o.leased) t
        WHERE EXISTS (SELECT 1 FROM budget_leases b WHERE b.line_id = t.l AND b.window_start = t.w AND b.instance = t.o);

        -- 3. What those settlements move, summed per (line, window, owner, mode). Modes: 'lease' (the
        -- hold sits in its owner's lease), 'doubted' (counted in doubt: only the difference moves),
        -- 'released' (in doubt, then released by an operator: the whole cost moves), 'line' (a hold
        -- from before leases), 'gone' (a leased hold whose lease is gone).
        SELECT coalesce(array_agg(x.line), '{}'), coalesce(array_agg(x.win), '{}'), coalesce(array_agg(x.owner), '{}'),
               coalesce(array_agg(x.mode), '{}'), coalesce(array_agg(x.hold), '{}'), coalesce(array_agg(x.cost), '{}'),
               coalesce(array_agg(x.within), '{}'), coalesce(array_agg(x.over), '{}')
        INTO g_line, g_window, g_owner, g_mode, g_hold, g_cost, g_within, g_over
        FROM (
            SELECT y.line, y.win, y.owner, y.mode, sum(y.hold)::bigint AS hold, sum(y.cost)::bigint AS cost,
                   sum(least(y.cost, y.hold))::bigint AS within, sum(greatest(y.cost - y.hold, 0))::bigint AS over
            FROM (
                SELECT s.line, s.win, o.owner, s.hold, s.cost,
                       CASE WHEN s.req = ANY(released) AND s.req = ANY(doubted) THEN 'released'
                            WHEN s.req = ANY(doubted) THEN 'doubted'
                            WHEN o.leased AND k.l IS NOT NULL THEN 'lease'
                            WHEN o.leased THEN 'gone'
                            ELSE 'line' END AS mode
                FROM unnest(s_req, s_line, s_window, s_hold, s_cost) AS s(req, line, win, hold, cost)
                JOIN unnest(o_req, o_owner, o_leased) AS o(r, owner, leased) ON o.r = s.req
                JOIN unnest(new_settled) AS n(r) ON n.r = s.req
                LEFT JOIN unnest(k_line, k_window, k_owner) AS k(l, w, o) ON k.l = s.line AND k.w = s.win AND k.o = o.owner) y
            GROUP BY y.line, y.win, y.owner, y.mode) x;

        -- Counters first, in (line, window) order, and only where money moves on them.
        SELECT coalesce(array_agg(y.l ORDER BY y.l, y.w), '{}'), coalesce(array_agg(y.w ORDER BY y.l, y.w), '{}'),
               coalesce(array_agg(y.dh ORDER BY y.l, y.w), '{}'), coalesce(array_agg(y.ds ORDER BY y.l, y.w), '{}')
        INTO c_line, c_window, c_held, c_spent
        FROM (
            SELECT u.l, u.w,
                   sum(CASE WHEN u.mode = 'line' THEN -u.hold ELSE 0 END)::bigint AS dh,
                   sum(CASE u.mode WHEN 'released' THEN u.cost
                                   WHEN 'doubted' THEN u.cost - u.hold
                                   WHEN 'lease' THEN u.over
                                   ELSE u.cost END)::bigint AS ds
            FROM unnest(g_line, g_window, g_mode, g_hold, g_cost, g_over) AS u(l, w, mode, hold, cost, over)
            GROUP BY u.l, u.w) y
        WHERE y.dh <> 0 OR y.ds <> 0;

        IF coalesce(array_length(c_line, 1), 0) > 0 THEN
            INSERT INTO budget_counters (line_id, window_start, spent_micros, held_micros)
            SELECT u.l, u.w, 0, 0 FROM unnest(c_line, c_window) AS u(l, w)
            ON CONFLICT DO NOTHING;
            PERFORM 1 FROM budget_counters b
            WHERE (b.line_id, b.window_start) IN (SELECT u.l, u.w FROM unnest(c_line, c_window) AS u(l, w))
            ORDER BY b.line_id, b.window_start FOR UPDATE;
            UPDATE budget_counters b
            SET held_micros = greatest(0, b.held_micros + u.dh), spent_micros = greatest(0, b.spent_micros + u.ds)
            FROM unnest(c_line, c_window, c_held, c_spent) AS u(l, w, dh, ds)
            WHERE b.line_id = u.l AND b.window_start = u.w;
        END IF;
    END IF;

    -- 4. The new holds, appended (a hold written before — a retried batch — is not appended or
    -- counted again); what they ask of each line.
    IF coalesce(array_length(h_req, 1), 0) > 0 THEN
        WITH ins AS (
            INSERT INTO budget_entries (request_id, kind, seq, at, instance, key_id, project, run_id, model, provider, deployment, amount_micros, lines, leased)
            SELECT u.r, 'hold', 0, u.a, p_instance, u.k, u.p, u.ru, u.m, u.pr, u.d, u.w, u.li, true
            FROM unnest(h_req, h_at, h_key, h_project, h_run, h_model, h_provider, h_deployment, h_worst, h_lines)
                 AS u(r, a, k, p, ru, m, pr, d, w, li)
            ON CONFLICT DO NOTHING
            RETURNING budget_entries.request_id AS r)
        SELECT coalesce(array_agg(ins.r), '{}') INTO inserted FROM ins;

        SELECT coalesce(array_agg(u.r), '{}'), coalesce(array_agg(u.l), '{}'), coalesce(array_agg(u.w), '{}'), coalesce(array_agg(u.a), '{}')
        INTO f_req, f_line, f_window, f_amount
        FROM unnest(hl_req, hl_line, hl_window, hl_amount) AS u(r, l, w, a)
        JOIN unnest(inserted) AS i(r) ON i.r = u.r
        WHERE u.a > 0;

        SELECT coalesce(array_agg(y.l), '{}'), coalesce(array_agg(y.w), '{}'), coalesce(array_agg(y.a), '{}')
        INTO w_line, w_window, w_amount
        FROM (SELECT u.l, u.w, sum(u.a)::bigint AS a FROM unnest(f_line, f_window, f_amount) AS u(l, w, a) GROUP BY u.l, u.w) y;
    END IF;

    -- Then leases, in (line, window, instance) order: the settled holds' owners and this instance's fence lines.
    PERFORM 1 FROM budget_leases b
    WHERE (b.line_id, b.window_start, b.instance) IN (
        SELECT u.l, u.w, u.o FROM unnest(g_line, g_window, g_owner, g_mode) AS u(l, w, o, mode) WHERE u.mode = 'lease'
        UNION SELECT u.l, u.w, p_instance FROM unnest(w_line, w_window) AS u(l, w))
    ORDER BY b.line_id, b.window_start, b.instance FOR UPDATE;

    IF coalesce(array_length(w_line, 1), 0) > 0 THEN
        -- The fence: a hold is refused when any of its lines lacks room in this instance's lease
        -- (once this batch's settlements left it) for all of the batch's new holds on that line.
        SELECT coalesce(array_agg(t.l), '{}'), coalesce(array_agg(t.w), '{}')
        INTO bad_line, bad_window
        FROM unnest(w_line, w_window, w_amount) AS t(l, w, a)
        LEFT JOIN budget_leases b ON b.line_id = t.l AND b.window_start = t.w AND b.instance = p_instance
        LEFT JOIN (SELECT u.l, u.w, sum(u.hold) AS h, sum(u.within) AS s
                   FROM unnest(g_line, g_window, g_owner, g_mode, g_hold, g_within) AS u(l, w, o, mode, hold, within)
                   WHERE u.mode = 'lease' AND u.o = p_instance GROUP BY u.l, u.w) st ON st.l = t.l AND st.w = t.w
        WHERE b.line_id IS NULL
           OR b.granted_micros - (b.held_micros - coalesce(st.h, 0)) - (b.spent_micros + coalesce(st.s, 0)) < t.a;

        IF coalesce(array_length(bad_line, 1), 0) > 0 THEN
            refused_ids := ARRAY(
                SELECT DISTINCT u.r FROM unnest(f_req, f_line, f_window) AS u(r, l, w)
                JOIN unnest(bad_line, bad_window) AS x(l, w) ON x.l = u.l AND x.w = u.w);

            -- Refused holds leave again (rare: a book that did not know its slice had been reclaimed).
            FOREACH refused_id IN ARRAY refused_ids LOOP
                DELETE FROM budget_entries e WHERE e.request_id = refused_id AND e.kind = hold_kind AND e.seq = 0;
            END LOOP;

            SELECT coalesce(array_agg(y.l), '{}'), coalesce(array_agg(y.w), '{}'), coalesce(array_agg(y.a), '{}')
            INTO w_line, w_window, w_amount
            FROM (SELECT u.l, u.w, sum(u.a)::bigint AS a FROM unnest(f_req, f_line, f_window, f_amount) AS u(r, l, w, a)
                  WHERE NOT (u.r = ANY(refused_ids)) GROUP BY u.l, u.w) y;
        END IF;
    END IF;

    -- One change per lease row: the settled holds leave it (their cost stays as its spend), the
    -- accepted new holds join it.
    UPDATE budget_leases b
    SET held_micros = b.held_micros - d.h + d.a, spent_micros = b.spent_micros + d.s, version = nextval('ciyuan_lease_versions')
    FROM (
        SELECT z.l, z.w, z.o, sum(z.h) AS h, sum(z.s) AS s, sum(z.a) AS a
        FROM (SELECT u.l, u.w, u.o, u.hold AS h, u.within AS s, 0::bigint AS a
              FROM unnest(g_line, g_window, g_owner, g_mode, g_hold, g_within) AS u(l, w, o, mode, hold, within) WHERE u.mode = 'lease'
              UNION ALL
              SELECT u.l, u.w, p_instance, 0::bigint, 0::bigint, u.a FROM unnest(w_line, w_window, w_amount) AS u(l, w, a)) z
        GROUP BY z.l, z.w, z.o) d
    WHERE b.line_id = d.l AND b.window_start = d.w AND b.instance = d.o;

    RETURN QUERY SELECT u.r, NULL::text, NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint FROM unnest(refused_ids) AS u(r);

    RETURN QUERY
    SELECT NULL::text, t.l, t.w, coalesce(b.granted_micros, 0), coalesce(b.held_micros, 0), coalesce(b.spent_micros, 0),
           coalesce(b.version, nextval('ciyuan_lease_versions'))
    FROM (SELECT u.l, u.w FROM unnest(f_line, f_window) AS u(l, w)
          UNION SELECT u.l, u.w FROM unnest(g_line, g_window, g_owner, g_mode) AS u(l, w, o, mode) WHERE u.o = p_instance AND u.mode = 'lease') t
    LEFT JOIN budget_leases b ON b.line_id = t.l AND b.window_start = t.w AND b.instance = p_instance;
END;
$$;

-- Every statement of the function finds its rows by key from the arrays it is given, so one plan
-- fits every call: planned once per connection, not for every batch (the writer keeps its
-- connection open for that).
ALTER FUNCTION ciyuan_write SET plan_cache_mode = force_generic_plan;

-- Settlement entries are the most written rows after holds, and nothing looks them up by kind and
-- time (only by request, through the primary key): the (kind, at) index leaves them out.
CREATE INDEX ix_budget_entries_kind_at ON budget_entries (kind, at) WHERE kind <> 'commit';
DROP INDEX ix_budget_entries_open;
