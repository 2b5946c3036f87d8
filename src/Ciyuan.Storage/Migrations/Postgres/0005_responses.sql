-- Stored Responses answers (store: true) and their input items, scoped to an owner (a project, or a
-- key without one). previous_id links a response to the one it continued.
CREATE TABLE responses (
    id text PRIMARY KEY,
    owner text NOT NULL,
    key_id text NOT NULL,
    request_id text NOT NULL,
    previous_id text,
    created_at bigint NOT NULL,
    model text NOT NULL,
    body text NOT NULL
);
CREATE INDEX ix_responses_created ON responses (created_at);

CREATE TABLE response_items (
    response_id text NOT NULL,
    seq integer NOT NULL,
    id text NOT NULL,
    body text NOT NULL,
    PRIMARY KEY (response_id, seq)
);
CREATE INDEX ix_response_items_id ON response_items (response_id, id);
