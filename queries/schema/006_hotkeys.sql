-- Hot-key detection: one row per run (method, status, what it cost) and one per key found, per node and metric.

CREATE SEQUENCE hotkey_run_ids START 1;

CREATE TABLE hotkey_runs (
    run_id   INTEGER NOT NULL,
    started  TIMESTAMP NOT NULL,
    finished TIMESTAMP NOT NULL,
    -- redis_hotkeys | valkey_hotkeys | slot_scan | monitor
    method   VARCHAR NOT NULL,
    -- ok | partial (some nodes failed) | failed | cancelled
    status   VARCHAR NOT NULL,
    -- manual | schedule
    trigger  VARCHAR NOT NULL,
    -- parameters, cost (keys read, commands sent, server time), hot slots, per-node errors
    detail   JSON NOT NULL
);

CREATE TABLE hotkeys (
    run_id       INTEGER NOT NULL,
    ts           TIMESTAMP NOT NULL,
    node_id      USMALLINT NOT NULL,
    key          BLOB NOT NULL,
    -- cpu | net | ops | qps | lfu
    metric       VARCHAR NOT NULL,
    value        DOUBLE NOT NULL,
    -- usec | bytes | ops | ops/s | lfu
    unit         VARCHAR NOT NULL,
    -- value - error is a guaranteed lower bound (sketches); NULL when the value is exact
    error        DOUBLE,
    -- the key's share of the node's total on this metric over the run; NULL when the total is unknown
    share        DOUBLE,
    memory_bytes BIGINT,
    slot         USMALLINT,
    type         VARCHAR,
    ttl_ms       BIGINT,
    rank         USMALLINT NOT NULL
);

CREATE VIEW v_hotkey_runs AS
SELECT run_id, started, finished, method, status, trigger, detail
FROM hotkey_runs;

CREATE VIEW v_hotkeys AS
SELECT h.ts, n.address AS node, h.key, h.metric, h.value, h.unit, h.error, h.share, h.memory_bytes, h.slot, h.type,
       h.ttl_ms, h.rank, r.method, h.run_id
FROM hotkeys h
JOIN nodes n USING (node_id)
JOIN hotkey_runs r USING (run_id);
