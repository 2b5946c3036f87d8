-- Budget leases (escrow). An instance leases a slice of a budget line's remaining amount and grants
-- holds from it in memory; its holds are still written here before their requests leave, checked
-- against the slice (the fence), and its settlements move the slice's own counters, so requests of a
-- hot line no longer queue on the line's counter row. Per line and window, always:
--     counters.spent + counters.held + counters.leased <= the line's cap   (checked when a slice grows)
--     counters.leased = sum of granted over the line's leases
--     lease.held + lease.spent <= lease.granted                            (a constraint)
-- so everything spent and held on the line, in any lease or none, stays within the cap.

CREATE SEQUENCE ciyuan_lease_versions;

CREATE FUNCTION ciyuan_now_ms() RETURNS bigint LANGUAGE sql VOLATILE AS
$$ SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint $$;

ALTER TABLE budget_counters ADD COLUMN leased_micros bigint NOT NULL DEFAULT 0;

-- Holds granted from a lease say so: their amount sits in the lease, not in counters.held.
ALTER TABLE budget_entries ADD COLUMN leased boolean NOT NULL DEFAULT false;
CREATE INDEX ix_budget_entries_holds_by_instance ON budget_entries (instance) WHERE kind = 'hold';

-- An instance that stopped cleanly with nothing open is gone: orphan searches skip it.
ALTER TABLE instances ADD COLUMN gone boolean NOT NULL DEFAULT false;

-- Reports filtered by run, project or key read rollups through these.
CREATE INDEX ix_usage_rollups_run ON usage_rollups (run_id) WHERE run_id <> '';
CREATE INDEX ix_usage_rollups_project ON usage_rollups (project) WHERE project <> '';
CREATE INDEX ix_usage_rollups_key ON usage_rollups (key_id);

CREATE TABLE budget_leases (
    line_id        text NOT NULL,
    window_start   bigint NOT NULL,
    instance       text NOT NULL,
    granted_micros bigint NOT NULL,   -- escrowed for this instance, all told
    held_micros    bigint NOT NULL,   -- by its open holds
    spent_micros   bigint NOT NULL,   -- by its settled requests, not yet folded into counters.spent
    expires_at     bigint NOT NULL,   -- database clock, Unix ms: after it, the unused part may be reclaimed
    version        bigint NOT NULL,   -- grows with every change (one sequence), so instances apply snapshots in order
    PRIMARY KEY (line_id, window_start, instance),
    CONSTRAINT budget_leases_within CHECK (held_micros >= 0 AND spent_micros >= 0 AND held_micros + spent_micros <= granted_micros)
);
CREATE INDEX ix_budget_leases_expiry ON budget_leases (expires_at);

-- An instance that stopped reserving directly (an older build, during a rolling upgrade) must see
-- leased amounts as taken too.
CREATE OR REPLACE FUNCTION ciyuan_reserve(
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

    IF EXISTS (SELECT 1 FROM budget_entries WHERE request_id = p_request AND kind = 'hold' AND seq = 0) THEN
        refused_index := -1;
        remaining := 0;
        RETURN NEXT;
        RETURN;
    END IF;

    FOR i IN 1..n LOOP
        SELECT spent_micros, held_micros, leased_micros INTO c FROM budget_counters
        WHERE line_id = p_line_ids[i] AND window_start = p_windows[i];
        IF c.spent_micros + c.held_micros + c.leased_micros + p_amounts[i] > p_limits[i] THEN
            refused_index := i - 1;
            remaining := greatest(0, p_limits[i] - c.spent_micros - c.held_micros - c.leased_micros);
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

-- Expired leases on one line and window (the caller holds the counter row's lock): their unfolded
-- spend joins the line's spent and their unused part returns to the line; what their open holds
-- escrow stays until those holds settle or are found in doubt. Returns how many leases shrank.
CREATE FUNCTION ciyuan_reclaim_line(p_line text, p_window bigint, p_now bigint)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    r record;
    n integer := 0;
BEGIN
    FOR r IN
        SELECT instance, granted_micros, held_micros, spent_micros FROM budget_leases
        WHERE line_id = p_line AND window_start = p_window AND expires_at < p_now
          AND (granted_micros > held_micros OR spent_micros > 0)
        ORDER BY instance
        FOR UPDATE
    LOOP
        UPDATE budget_counters
        SET spent_micros = spent_micros + r.spent_micros,
            leased_micros = leased_micros - (r.granted_micros - r.held_micros)
        WHERE line_id = p_line AND window_start = p_window;
        IF r.held_micros = 0 THEN
            DELETE FROM budget_leases WHERE line_id = p_line AND window_start = p_window AND instance = r.instance;
        ELSE
            UPDATE budget_leases SET granted_micros = r.held_micros, spent_micros = 0, version = nextval('ciyuan_lease_versions')
            WHERE line_id = p_line AND window_start = p_window AND instance = r.instance;
        END IF;
        n := n + 1;
    END LOOP;
    RETURN n;
END;
$$;

-- Every expired lease of every line, line by line in (line, window) order.
CREATE FUNCTION ciyuan_reclaim_expired()
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    k record;
    n integer := 0;
    now_ms bigint := ciyuan_now_ms();
BEGIN
    FOR k IN
        SELECT DISTINCT line_id, window_start FROM budget_leases
        WHERE expires_at < now_ms AND (granted_micros > held_micros OR spent_micros > 0)
        ORDER BY line_id, window_start
    LOOP
        PERFORM 1 FROM budget_counters WHERE line_id = k.line_id AND window_start = k.window_start FOR UPDATE;
        n := n + ciyuan_reclaim_line(k.line_id, k.window_start, now_ms);
    END LOOP;
    RETURN n;
END;
$$;

-- Renews (or gives back) an instance's leases on some lines in one transaction. Per line: the
-- lease's settled spend is folded into the line's spent; then the unused part is set to p_wants
-- (growing it only within the line's room: cap - spent - held - leased, after expired leases were
-- reclaimed), unless even p_needs cannot be reached — then the unused part beyond p_keeps (what
-- the instance has granted but not written yet) goes back, so the line's remainder gathers where a
-- request can use it, and other instances holding unused slices of the line are asked to return
-- theirs (NOTIFY ciyuan_recall). A lease with nothing left is deleted.
CREATE FUNCTION ciyuan_lease(
    p_instance text, p_line_ids text[], p_windows bigint[], p_limits bigint[],
    p_wants bigint[], p_needs bigint[], p_keeps bigint[], p_ttl_ms bigint)
RETURNS TABLE (line_id text, window_start bigint, granted bigint, held bigint, spent bigint, version bigint,
               room bigint, others_free bigint, line_held bigint, lacking boolean)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    n integer := coalesce(array_length(p_line_ids, 1), 0);
    i integer;
    now_ms bigint := ciyuan_now_ms();
    c record;
    l record;
    g bigint;
    spent_c bigint;
    leased_c bigint;
    free bigint;
    room_c bigint;
    extra bigint;
    is_short boolean;
    v bigint;
BEGIN
    IF n = 0 THEN
        RETURN;
    END IF;

    INSERT INTO budget_counters (line_id, window_start, spent_micros, held_micros)
    SELECT u.l, u.w, 0, 0 FROM unnest(p_line_ids, p_windows) AS u(l, w)
    ON CONFLICT DO NOTHING;
    PERFORM 1 FROM budget_counters b
    WHERE (b.line_id, b.window_start) IN (SELECT u.l, u.w FROM unnest(p_line_ids, p_windows) AS u(l, w))
    ORDER BY b.line_id, b.window_start
    FOR UPDATE;

    FOR i IN 1..n LOOP
        PERFORM ciyuan_reclaim_line(p_line_ids[i], p_windows[i], now_ms);
        INSERT INTO budget_leases AS b (line_id, window_start, instance, granted_micros, held_micros, spent_micros, expires_at, version)
        VALUES (p_line_ids[i], p_windows[i], p_instance, 0, 0, 0, now_ms, 0)
        ON CONFLICT DO NOTHING;
        SELECT b.granted_micros, b.held_micros, b.spent_micros INTO l FROM budget_leases b
        WHERE b.line_id = p_line_ids[i] AND b.window_start = p_windows[i] AND b.instance = p_instance
        FOR UPDATE;
        SELECT b.spent_micros, b.held_micros, b.leased_micros INTO c FROM budget_counters b
        WHERE b.line_id = p_line_ids[i] AND b.window_start = p_windows[i];

        -- Fold the lease's settled spend into the line.
        g := l.granted_micros - l.spent_micros;
        spent_c := c.spent_micros + l.spent_micros;
        leased_c := c.leased_micros - l.spent_micros;
        free := g - l.held_micros;
        room_c := p_limits[i] - spent_c - c.held_micros - leased_c;
        is_short := false;

        IF free >= p_wants[i] THEN
            g := g - (free - p_wants[i]);
            leased_c := leased_c - (free - p_wants[i]);
        ELSE
            extra := least(p_wants[i] - free, greatest(room_c, 0));
            IF free + extra >= p_needs[i] THEN
                g := g + extra;
                leased_c := leased_c + extra;
            ELSE
                is_short := true;
                extra := greatest(free - greatest(p_keeps[i], 0), 0);
                g := g - extra;
                leased_c := leased_c - extra;
            END IF;
        END IF;

        UPDATE budget_counters b SET spent_micros = spent_c, leased_micros = leased_c
        WHERE b.line_id = p_line_ids[i] AND b.window_start = p_windows[i];

        v := nextval('ciyuan_lease_versions');
        IF g = 0 AND l.held_micros = 0 THEN
            DELETE FROM budget_leases b WHERE b.line_id = p_line_ids[i] AND b.window_start = p_windows[i] AND b.instance = p_instance;
        ELSE
            UPDATE budget_leases b SET granted_micros = g, spent_micros = 0, expires_at = now_ms + p_ttl_ms, version = v
            WHERE b.line_id = p_line_ids[i] AND b.window_start = p_windows[i] AND b.instance = p_instance;
        END IF;

        line_id := p_line_ids[i];
        window_start := p_windows[i];
        granted := g;
        held := l.held_micros;
        spent := 0;
        version := v;
        room := p_limits[i] - spent_c - c.held_micros - leased_c;
        SELECT coalesce(sum(b.granted_micros - b.held_micros - b.spent_micros), 0)::bigint INTO others_free FROM budget_leases b
        WHERE b.line_id = p_line_ids[i] AND b.window_start = p_windows[i] AND b.instance <> p_instance;
        SELECT c.held_micros + coalesce(sum(b.held_micros), 0)::bigint INTO line_held FROM budget_leases b
        WHERE b.line_id = p_line_ids[i] AND b.window_start = p_windows[i];
        lacking := is_short;
        IF is_short AND others_free > 0 THEN
            PERFORM pg_notify('ciyuan_recall', p_line_ids[i] || chr(31) || p_windows[i]::text);
        END IF;
        RETURN NEXT;
    END LOOP;
END;
$$;

-- One group commit of an instance's writer, after its usage records went in (same transaction):
--  1. the hold rows of the requests being settled are locked in request-id order — the lock shared
--     with orphan reconciliation and an operator's release, so a hold is never both settled and in doubt;
--  2. commit / release / attempt entries are appended (a repeat is ignored);
--  3. each new settlement moves money per line: a leased hold's lease gives up the held amount and
--     takes the cost as its spend; a hold already counted in doubt moves only the difference (the
--     whole cost if an operator had released it); a hold from before leases frees counters.held;
--  4. new holds pass the fence — on each line, this instance's lease must have room for all of the
--     batch's holds on it — or are refused (returned), then are appended and held in their leases.
-- Counter rows are locked before lease rows, in (line, window[, instance]) order, like every writer.
-- Returns the refused holds' request ids (refused) and this instance's lease rows it changed.
CREATE FUNCTION ciyuan_write(
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
    settling text[];
    new_settled text[];
    -- The new settlements' moves, one element per (request, line), classified by the hold row.
    m_line text[]; m_window bigint[]; m_owner text[]; m_mode text[]; m_hold bigint[]; m_cost bigint[];
    -- The new holds' lines this batch must fence (amount > 0, not written before).
    f_req text[]; f_line text[]; f_window bigint[]; f_amount bigint[];
    refused_ids text[];
    accepted text[];
BEGIN
    -- 1. The settled requests' hold rows, locked in request-id order.
    settling := ARRAY(SELECT DISTINCT u.r FROM unnest(e_req, e_kind) AS u(r, k) WHERE u.k IN ('commit', 'release') ORDER BY 1);
    PERFORM 1 FROM budget_entries b WHERE b.kind = 'hold' AND b.seq = 0 AND b.request_id = ANY(settling)
    ORDER BY b.request_id FOR UPDATE;

    -- 2. Entries; the settlements that are new this time.
    WITH ins AS (
        INSERT INTO budget_entries (request_id, kind, seq, at, instance, provider, deployment, amount_micros)
        SELECT u.r, u.k, u.s, u.a, p_instance, u.p, u.d, u.m
        FROM unnest(e_req, e_kind, e_seq, e_at, e_provider, e_deployment, e_amount) AS u(r, k, s, a, p, d, m)
        ON CONFLICT DO NOTHING
        RETURNING budget_entries.request_id AS r, budget_entries.kind AS k)
    SELECT coalesce(array_agg(ins.r) FILTER (WHERE ins.k IN ('commit', 'release')), '{}') INTO new_settled FROM ins;

    -- 3. What those settlements move. Modes: 'lease' (the hold sits in its owner's lease), 'doubted'
    -- (counted in doubt: only the difference moves), 'released' (in doubt, then released by an
    -- operator: the whole cost moves), 'line' (a hold from before leases, or one whose lease is gone).
    SELECT coalesce(array_agg(x.line ORDER BY x.line, x.win), '{}'), coalesce(array_agg(x.win ORDER BY x.line, x.win), '{}'),
           coalesce(array_agg(x.owner ORDER BY x.line, x.win), '{}'), coalesce(array_agg(x.mode ORDER BY x.line, x.win), '{}'),
           coalesce(array_agg(x.hold ORDER BY x.line, x.win), '{}'), coalesce(array_agg(x.cost ORDER BY x.line, x.win), '{}')
    INTO m_line, m_window, m_owner, m_mode, m_hold, m_cost
    FROM (
        SELECT s.line, s.win, h.instance AS owner, s.hold, s.cost,
               CASE WHEN EXISTS (SELECT 1 FROM budget_entries r WHERE r.request_id = s.req AND r.kind = 'release' AND r.seq = 1)
                         AND EXISTS (SELECT 1 FROM budget_entries d WHERE d.request_id = s.req AND d.kind = 'in_doubt') THEN 'released'
                    WHEN EXISTS (SELECT 1 FROM budget_entries d WHERE d.request_id = s.req AND d.kind = 'in_doubt') THEN 'doubted'
                    WHEN h.leased AND EXISTS (SELECT 1 FROM budget_leases b
                         WHERE b.line_id = s.line AND b.window_start = s.win AND b.instance = h.instance) THEN 'lease'
                    WHEN h.leased THEN 'gone'
                    ELSE 'line' END AS mode
        FROM unnest(s_req, s_line, s_window, s_hold, s_cost) AS s(req, line, win, hold, cost)
        JOIN budget_entries h ON h.request_id = s.req AND h.kind = 'hold' AND h.seq = 0
        WHERE s.req = ANY(new_settled)) x;

    -- Counters first, in (line, window) order.
    INSERT INTO budget_counters (line_id, window_start, spent_micros, held_micros)
    SELECT DISTINCT u.l, u.w, 0, 0 FROM unnest(m_line, m_window) AS u(l, w)
    ON CONFLICT DO NOTHING;
    PERFORM 1 FROM budget_counters b
    WHERE (b.line_id, b.window_start) IN (SELECT u.l, u.w FROM unnest(m_line, m_window) AS u(l, w))
    ORDER BY b.line_id, b.window_start FOR UPDATE;
    UPDATE budget_counters b
    SET held_micros = greatest(0, b.held_micros + x.dh), spent_micros = greatest(0, b.spent_micros + x.ds)
    FROM (
        SELECT u.l, u.w,
               sum(CASE WHEN u.mode = 'line' THEN -u.hold ELSE 0 END) AS dh,
               sum(CASE u.mode WHEN 'released' THEN u.cost
                               WHEN 'doubted' THEN u.cost - u.hold
                               WHEN 'lease' THEN greatest(u.cost - u.hold, 0)
                               ELSE u.cost END) AS ds
        FROM unnest(m_line, m_window, m_mode, m_hold, m_cost) AS u(l, w, mode, hold, cost)
        GROUP BY u.l, u.w) x
    WHERE b.line_id = x.l AND b.window_start = x.w AND (x.dh <> 0 OR x.ds <> 0);

    -- 4. The new holds' lines, less holds already written (a retried batch passes without counting twice).
    SELECT coalesce(array_agg(u.r), '{}'), coalesce(array_agg(u.l), '{}'), coalesce(array_agg(u.w), '{}'), coalesce(array_agg(u.a), '{}')
    INTO f_req, f_line, f_window, f_amount
    FROM unnest(hl_req, hl_line, hl_window, hl_amount) AS u(r, l, w, a)
    WHERE u.a > 0 AND NOT EXISTS (SELECT 1 FROM budget_entries e WHERE e.request_id = u.r AND e.kind = 'hold' AND e.seq = 0);

    -- Then leases, in (line, window, instance) order: the settled holds' owners and this instance's fence lines.
    PERFORM 1 FROM budget_leases b
    WHERE (b.line_id, b.window_start, b.instance) IN (
        SELECT u.l, u.w, u.o FROM unnest(m_line, m_window, m_owner, m_mode) AS u(l, w, o, mode) WHERE u.mode = 'lease'
        UNION SELECT u.l, u.w, p_instance FROM unnest(f_line, f_window) AS u(l, w))
    ORDER BY b.line_id, b.window_start, b.instance FOR UPDATE;

    UPDATE budget_leases b
    SET held_micros = b.held_micros - x.h, spent_micros = b.spent_micros + x.s, version = nextval('ciyuan_lease_versions')
    FROM (
        SELECT u.l, u.w, u.o, sum(u.hold) AS h, sum(least(u.cost, u.hold)) AS s
        FROM unnest(m_line, m_window, m_owner, m_mode, m_hold, m_cost) AS u(l, w, o, mode, hold, cost)
        WHERE u.mode = 'lease' GROUP BY u.l, u.w, u.o) x
    WHERE b.line_id = x.l AND b.window_start = x.w AND b.instance = x.o;

    -- The fence: a hold is refused when any of its lines lacks room in this instance's lease for
    -- all of the batch's holds on that line.
    refused_ids := ARRAY(
        SELECT DISTINCT u.r FROM unnest(f_req, f_line, f_window) AS u(r, l, w)
        WHERE (u.l, u.w) IN (
            SELECT t.l, t.w FROM unnest(f_line, f_window, f_amount) AS t(l, w, a)
            LEFT JOIN budget_leases b ON b.line_id = t.l AND b.window_start = t.w AND b.instance = p_instance
            GROUP BY t.l, t.w, b.granted_micros, b.held_micros, b.spent_micros
            HAVING b.granted_micros IS NULL OR b.granted_micros - b.held_micros - b.spent_micros < sum(t.a)));

    WITH ins AS (
        INSERT INTO budget_entries (request_id, kind, seq, at, instance, key_id, project, run_id, model, provider, deployment, amount_micros, lines, leased)
        SELECT u.r, 'hold', 0, u.a, p_instance, u.k, u.p, u.ru, u.m, u.pr, u.d, u.w, u.li, true
        FROM unnest(h_req, h_at, h_key, h_project, h_run, h_model, h_provider, h_deployment, h_worst, h_lines)
             AS u(r, a, k, p, ru, m, pr, d, w, li)
        WHERE NOT (u.r = ANY(refused_ids))
        ON CONFLICT DO NOTHING
        RETURNING budget_entries.request_id AS r)
    SELECT coalesce(array_agg(ins.r), '{}') INTO accepted FROM ins;

    UPDATE budget_leases b
    SET held_micros = b.held_micros + x.a, version = nextval('ciyuan_lease_versions')
    FROM (SELECT u.l, u.w, sum(u.a) AS a FROM unnest(f_req, f_line, f_window, f_amount) AS u(r, l, w, a)
          WHERE u.r = ANY(accepted) GROUP BY u.l, u.w) x
    WHERE b.line_id = x.l AND b.window_start = x.w AND b.instance = p_instance;

    RETURN QUERY SELECT u.r, NULL::text, NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint FROM unnest(refused_ids) AS u(r);

    RETURN QUERY
    SELECT NULL::text, t.l, t.w, coalesce(b.granted_micros, 0), coalesce(b.held_micros, 0), coalesce(b.spent_micros, 0),
           coalesce(b.version, nextval('ciyuan_lease_versions'))
    FROM (SELECT u.l, u.w FROM unnest(f_line, f_window) AS u(l, w)
          UNION SELECT u.l, u.w FROM unnest(m_line, m_window, m_owner, m_mode) AS u(l, w, o, mode) WHERE u.o = p_instance AND u.mode = 'lease') t
    LEFT JOIN budget_leases b ON b.line_id = t.l AND b.window_start = t.w AND b.instance = p_instance;
END;
$$;

-- PL/pgSQL keeps a statement's plan once it has run a few times. Planned while budget_entries was
-- small, a lookup of a batch's holds scans every hold row instead of using the primary key, and a
-- batch then costs seconds on a ledger of a few hundred thousand rows. Each call is planned for the
-- arrays and the table as they are.
ALTER FUNCTION ciyuan_write SET plan_cache_mode = force_custom_plan;
ALTER FUNCTION ciyuan_lease SET plan_cache_mode = force_custom_plan;
ALTER FUNCTION ciyuan_reclaim_line SET plan_cache_mode = force_custom_plan;
ALTER FUNCTION ciyuan_reclaim_expired SET plan_cache_mode = force_custom_plan;
