-- A repeated reservation (a client retry reaching a second instance, or the same request reserving
-- again) must be granted without holding twice even when its own first hold has filled the line:
-- 0001's function checked the limits before noticing the request already held. The check now comes
-- first, after the counter locks are taken, so a concurrent twin waits for the first and sees it.
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

