#!/usr/bin/env python3
"""Checks the SQLite ledger after a run: one row per request of the run, by status.

usage: ledger.py DB RUN EXPECTED
Prints the rows of run RUN by status, streamed or not and estimated or not, and the budget holds
left open; exits 1 unless there are exactly EXPECTED rows and no hold is left open.
"""
import sqlite3
import sys

db, run, expected = sys.argv[1], sys.argv[2], int(sys.argv[3])
con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
rows = con.execute("select count(*), count(distinct request_id) from usage_records where run_id = ?", (run,)).fetchone()
print(f"ledger rows for run {run}: {rows[0]} ({rows[1]} distinct request ids), expected {expected}")
for status, streamed, estimated, count in con.execute(
        "select status, streamed, usage_estimated, count(*) from usage_records where run_id = ? group by 1, 2, 3 order by 4 desc", (run,)):
    print(f"  {count:>8} x status={status} streamed={streamed} estimated={estimated}")
# A hold without its settlement is a request the ledger lost track of.
open_holds = con.execute(
    "select count(*) from budget_entries h where h.kind = 'hold' and h.run_id is ? and not exists "
    "(select 1 from budget_entries s where s.request_id = h.request_id and s.kind in ('commit', 'release'))", (run,)).fetchone()[0]
print(f"budget holds without a settlement: {open_holds}")
sys.exit(0 if rows[0] == expected and rows[1] == expected and open_holds == 0 else 1)
