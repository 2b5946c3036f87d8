-- Usage an upstream claimed that could not be taken as is (negative, overflowing, above what the
-- request allowed): the record keeps what was counted, flags it, and keeps the claim beside it.
ALTER TABLE usage_records ADD COLUMN usage_suspect INTEGER NOT NULL DEFAULT 0;
ALTER TABLE usage_records ADD COLUMN claimed_usage TEXT;
CREATE INDEX ix_usage_records_suspect ON usage_records (created_at) WHERE usage_suspect = 1;
ALTER TABLE usage_rollups ADD COLUMN suspect INTEGER NOT NULL DEFAULT 0;
