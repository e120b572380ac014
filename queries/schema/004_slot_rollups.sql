-- Slot statistics rollups: 5-minute and 1-hour buckets per slot (ts = bucket start, node_id = owner at the
-- bucket's end, keys = last key count, cpu/net = sums of the deltas), and slot_src(), the one place that
-- stitches raw rows and rollups into one time line for the slot queries.

CREATE TABLE slot_stats_5m (
    ts       TIMESTAMP NOT NULL,
    node_id  USMALLINT NOT NULL,
    slot     USMALLINT NOT NULL,
    keys     UBIGINT NOT NULL,
    cpu_usec UBIGINT,
    net_in   UBIGINT,
    net_out  UBIGINT
);

CREATE TABLE slot_stats_1h (
    ts       TIMESTAMP NOT NULL,
    node_id  USMALLINT NOT NULL,
    slot     USMALLINT NOT NULL,
    keys     UBIGINT NOT NULL,
    cpu_usec UBIGINT,
    net_in   UBIGINT,
    net_out  UBIGINT
);

-- Rows in [lo, hi): 1-hour rows before h_end, 5-minute rows from there to m_end, raw rows after m_end.
-- With h_end = m_end = lo everything comes from raw rows.
CREATE MACRO slot_src(lo, hi, h_end, m_end) AS TABLE
    SELECT ts, node_id, slot, keys, cpu_usec, net_in, net_out FROM slot_stats_1h
    WHERE ts >= lo AND ts < least(h_end, hi)
    UNION ALL
    SELECT ts, node_id, slot, keys, cpu_usec, net_in, net_out FROM slot_stats_5m
    WHERE ts >= greatest(lo, h_end) AND ts < least(m_end, hi)
    UNION ALL
    SELECT ts, node_id, slot, keys, cpu_usec, net_in, net_out FROM slot_stats
    WHERE ts >= greatest(lo, m_end) AND ts < hi;

CREATE VIEW v_slot_stats_5m AS
SELECT s.ts, n.address AS node, s.slot, s.keys, s.cpu_usec, s.net_in, s.net_out
FROM slot_stats_5m s
JOIN nodes n USING (node_id);

CREATE VIEW v_slot_stats_1h AS
SELECT s.ts, n.address AS node, s.slot, s.keys, s.cpu_usec, s.net_in, s.net_out
FROM slot_stats_1h s
JOIN nodes n USING (node_id);
