-- Why each failed attempt of a request failed (JSON array of {deployment, reason, status}), so a
-- fallback can be explained from the ledger.
ALTER TABLE usage_records ADD COLUMN failed_attempts TEXT;
