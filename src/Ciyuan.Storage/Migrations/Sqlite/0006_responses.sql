-- Stored Responses answers (store: true) and their input items, scoped to an owner (a project, or a
-- key without one). previous_id links a response to the one it continued.
CREATE TABLE responses (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    key_id TEXT NOT NULL,
    request_id TEXT NOT NULL,
    previous_id TEXT,
    created_at INTEGER NOT NULL,
    model TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX ix_responses_created ON responses (created_at);

CREATE TABLE response_items (
    response_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    id TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (response_id, seq)
);
CREATE INDEX ix_response_items_id ON response_items (response_id, id);
