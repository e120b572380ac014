-- Per-slot statistics from CLUSTER SLOT-STATS (Valkey 8.0+): one row per poll of a primary and slot that
-- changed, plus every owned slot at least every 10 minutes (so the key count of an idle slot is never far back).

CREATE TABLE slot_stats (
    ts       TIMESTAMP NOT NULL,  -- when the owner's reply arrived (UTC)
    node_id  USMALLINT NOT NULL,  -- the primary that owned and reported the slot
    slot     USMALLINT NOT NULL,  -- 0..16383
    keys     UBIGINT NOT NULL,    -- key count at ts
    cpu_usec UBIGINT,             -- CPU microseconds since the owner's previous poll; NULL = unknown
    net_in   UBIGINT,             -- bytes in since the previous poll (NULL: first sight of the slot, or
    net_out  UBIGINT              --   cluster-slot-stats-enabled off)
);

CREATE VIEW v_slot_stats AS
SELECT s.ts, n.address AS node, s.slot, s.keys, s.cpu_usec, s.net_in, s.net_out
FROM slot_stats s
JOIN nodes n USING (node_id);
