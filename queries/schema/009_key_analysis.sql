-- Memory analysis of the keyspace: one row per run, its groups (by type, key prefix, TTL bucket) and the biggest keys it saw.

CREATE SEQUENCE key_analysis_ids START 1;

CREATE TABLE key_analysis_runs (
    run_id      INTEGER NOT NULL,
    started     TIMESTAMP NOT NULL,
    -- NULL while running
    ended       TIMESTAMP,
    -- running | done | cancelled | failed
    state       VARCHAR NOT NULL,
    -- the SCAN MATCH pattern, NULL for every key
    match       VARCHAR,
    sample_keys INTEGER NOT NULL,
    -- sum of DBSIZE over the primaries when the run started
    total_keys  BIGINT,
    sampled     BIGINT,
    -- confidence (95% interval of the total), per-node sample sizes and errors
    detail      JSON
);

CREATE TABLE key_analysis_groups (
    run_id         INTEGER NOT NULL,
    -- type | prefix | ttl
    dimension      VARCHAR NOT NULL,
    name           VARCHAR NOT NULL,
    -- counted in the sample
    keys           BIGINT NOT NULL,
    bytes          BIGINT NOT NULL,
    -- scaled to DBSIZE, with the 95% interval of the bytes
    est_keys       BIGINT NOT NULL,
    est_bytes      BIGINT NOT NULL,
    est_bytes_low  BIGINT NOT NULL,
    est_bytes_high BIGINT NOT NULL
);

CREATE TABLE key_analysis_biggest (
    run_id  INTEGER NOT NULL,
    rank    USMALLINT NOT NULL,
    node    VARCHAR NOT NULL,
    key     BLOB NOT NULL,
    type    VARCHAR NOT NULL,
    bytes   BIGINT NOT NULL,
    -- elements (or string bytes); NULL when unknown
    length  BIGINT
);

CREATE VIEW v_key_analysis_runs AS
SELECT run_id, started, ended, state, match, sample_keys, total_keys, sampled, detail
FROM key_analysis_runs;

CREATE VIEW v_key_analysis_groups AS
SELECT r.started, g.run_id, g.dimension, g.name, g.keys, g.bytes, g.est_keys, g.est_bytes, g.est_bytes_low, g.est_bytes_high
FROM key_analysis_groups g
JOIN key_analysis_runs r USING (run_id);
