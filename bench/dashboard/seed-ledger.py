#!/usr/bin/env python3
"""Fills a Ciyuan SQLite ledger with N usage records spread over the last D days, and the rollups
the gateway keeps with them (usage_rollups, usage_series), so the dashboard can be timed against a
large ledger without sending N requests first.

    python3 bench/dashboard/seed-ledger.py DATA_DIR [N=1000000] [DAYS=30]

DATA_DIR must hold a ciyuan.db made by this build (run any `ciyuan` command with CIYUAN_DATA_DIR set
once). The rollups are computed from the records with the same grouping the gateway's writer uses.
"""
import random
import sqlite3
import sys
import time

data_dir = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
days = int(sys.argv[3]) if len(sys.argv) > 3 else 30
db = sqlite3.connect(f"{data_dir}/ciyuan.db")
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=OFF")

deployments = [
    ("test-model", "local", "local/upstream-model", "upstream-model", "self-hosted", "USD", 1.00, 0.10, 2.00),
    ("cny-model", "cnhost", "cnhost/cny-upstream", "cny-upstream", "cn", "CNY", 2.00, 0.50, 8.00),
    ("fast-model", "local", "local/fast", "fast", "self-hosted", "USD", 0.14, 0.028, 0.28),
]
keys = [f"key_bench{i:03d}" for i in range(20)]
now_ms = int(time.time() * 1000)
span_ms = days * 86_400_000
rng = random.Random(7)


def rows():
    for i in range(count):
        model, provider, deployment, upstream, jurisdiction, currency, p_in, p_hit, p_out = deployments[i % 3]
        created = now_ms - rng.randrange(span_ms)
        prompt = rng.randrange(100, 4000)
        cached = prompt // 2 if i % 4 == 0 else 0
        output = rng.randrange(10, 800)
        ok = i % 50 != 0
        uncached = prompt - cached
        cost = round(uncached * p_in + cached * p_hit + output * p_out) if ok else 0
        yield (f"req_{i:09d}", created, keys[i % len(keys)], f"run-{i % 500}" if i % 3 == 0 else None, "chat", model, provider,
               deployment, upstream, jurisdiction, uncached if ok else 0, cached if ok else 0, 0, output if ok else 0, 0, 0,
               cost, currency, 0, "ok" if ok else "upstream_error", 200 if ok else 502, None if ok else "upstream failed",
               i % 2, 1, rng.uniform(200, 3000), rng.uniform(50, 800) if ok else None, f"team-{i % 5}")


started = time.time()
db.executemany("""
    INSERT INTO usage_records (request_id, created_at, key_id, run_id, endpoint, model_alias, provider, deployment, upstream_model,
        jurisdiction, input_uncached, cache_read, cache_write, output, reasoning, usage_estimated, cost_micros, currency, unpriced,
        status, http_status, error, streamed, attempts, latency_ms, ttft_ms, project)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", rows())
db.execute("DELETE FROM usage_rollups")
db.execute("""
    INSERT INTO usage_rollups
    SELECT strftime('%Y-%m-%d', created_at / 1000, 'unixepoch'), key_id, COALESCE(project, ''), COALESCE(run_id, ''), model_alias, provider, currency,
           COUNT(*), SUM(input_uncached), SUM(cache_read), SUM(cache_write), SUM(output), SUM(reasoning), SUM(cost_micros),
           SUM(usage_estimated), SUM(unpriced)
    FROM usage_records GROUP BY 1, 2, 3, 4, 5, 6, 7""")
db.execute("DELETE FROM usage_series")
db.execute("""
    INSERT INTO usage_series
    SELECT (created_at / 900000) * 900000, model_alias, provider, deployment, jurisdiction, currency,
           COUNT(*), SUM(status NOT IN ('ok', 'client_disconnected')), SUM(input_uncached), SUM(cache_read), SUM(cache_write), SUM(output),
           SUM(reasoning), SUM(cost_micros), SUM(usage_estimated), SUM(unpriced)
    FROM usage_records GROUP BY 1, 2, 3, 4, 5, 6""")
db.commit()
for table in ("usage_records", "usage_rollups", "usage_series"):
    print(f"{table}: {db.execute(f'SELECT COUNT(*) FROM {table}').fetchone()[0]} rows")
print(f"seeded in {time.time() - started:.1f} s")
