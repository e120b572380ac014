-- The command log (COMMANDLOG on Valkey 8.1+, SLOWLOG elsewhere) and the latency monitor's samples, kept past
-- what the servers hold (a log of slowlog-max-len entries; 160 samples per latency event).

CREATE TABLE commandlog (
    ts          TIMESTAMP NOT NULL,  -- when the server logged the entry (second resolution, the server's clock)
    node_id     USMALLINT NOT NULL,
    -- slow | large-request | large-reply
    type        VARCHAR NOT NULL,
    -- the server's entry id: increasing per node and type until the server restarts
    entry_id    BIGINT NOT NULL,
    -- the server's run_id when the entry was read: (node, type, run_id, entry_id) identifies an entry
    run_id      VARCHAR NOT NULL,
    -- microseconds (slow) or bytes (large-request, large-reply)
    value       BIGINT NOT NULL,
    -- the command in lower case; a container's subcommand as "config|get"
    cmd         VARCHAR NOT NULL,
    -- the arguments as the server logged them (it keeps 32 and the first 128 bytes of each)
    args        BLOB[] NOT NULL,
    -- bytes the server cut from each argument (0 = whole), and arguments it dropped past its limit
    args_cut    UINTEGER[] NOT NULL,
    args_more   UINTEGER NOT NULL,
    -- the command line for display (non-UTF-8 bytes as \xHH; cut at 1024 characters)
    line        VARCHAR NOT NULL,
    -- line in lower case: what the text filter searches. Lowering 1M lines per query took 4x the search, and
    -- decompressing them (FSST) 2x: the column is kept uncompressed, about 130 MB per million entries.
    search      VARCHAR USING COMPRESSION 'uncompressed' NOT NULL,
    -- the command with digits and hex ids in its arguments folded, for grouping ("GET user:#")
    pattern     VARCHAR NOT NULL,
    client_addr VARCHAR NOT NULL,
    client_name VARCHAR NOT NULL,
    collected   TIMESTAMP NOT NULL
);

CREATE TABLE latency_samples (
    ts         TIMESTAMP NOT NULL,  -- the second the server recorded (LATENCY HISTORY), the server's clock
    node_id    USMALLINT NOT NULL,
    -- command, fast-command, fork, aof-fsync-always, expire-cycle, eviction-cycle, active-defrag-cycle, ...
    event      VARCHAR NOT NULL,
    latency_ms UINTEGER NOT NULL
);

CREATE VIEW v_commandlog AS
SELECT c.ts, n.address AS node, c.type, c.entry_id, c.value,
       CASE WHEN c.type = 'slow' THEN 'us' ELSE 'bytes' END AS unit,
       c.cmd, c.line, c.pattern, c.client_addr, c.client_name, c.args, c.args_cut, c.args_more, c.run_id, c.collected
FROM commandlog c
JOIN nodes n USING (node_id);

CREATE VIEW v_latency AS
SELECT l.ts, n.address AS node, l.event, l.latency_ms
FROM latency_samples l
JOIN nodes n USING (node_id);
