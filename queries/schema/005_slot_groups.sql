-- Slot groups: the 5-minute and 1-hour slot rollups summed over groups of 16 slots (grp = slot // 16, 1024 groups),
-- so a heatmap whose rows are whole groups (the UI's are) reads 16 times fewer rows: a 7-day view of a busy
-- cluster is 172,032 group rows instead of 2,752,512 slot rows. keys = the group's key count at the bucket's end
-- (every owned slot has a row in every bucket); cpu/net = sums of the slots' deltas (NULL when none was known).

CREATE TABLE slot_groups_5m (
    ts       TIMESTAMP NOT NULL,
    grp      USMALLINT NOT NULL,
    keys     UBIGINT NOT NULL,
    cpu_usec UBIGINT,
    net_in   UBIGINT,
    net_out  UBIGINT
);

CREATE TABLE slot_groups_1h (
    ts       TIMESTAMP NOT NULL,
    grp      USMALLINT NOT NULL,
    keys     UBIGINT NOT NULL,
    cpu_usec UBIGINT,
    net_in   UBIGINT,
    net_out  UBIGINT
);

INSERT INTO slot_groups_5m
SELECT ts, slot // 16, sum(keys), sum(cpu_usec), sum(net_in), sum(net_out)
FROM slot_stats_5m
GROUP BY ts, slot // 16
ORDER BY ts, slot // 16;

INSERT INTO slot_groups_1h
SELECT ts, slot // 16, sum(keys), sum(cpu_usec), sum(net_in), sum(net_out)
FROM slot_stats_1h
GROUP BY ts, slot // 16
ORDER BY ts, slot // 16;

-- slot_src() with a fifth argument: when `grouped`, the rollup parts come from the group tables, each group's row
-- standing at its first slot (grp * 16; node_id NULL), so `(slot - from) // per_row` still places it when from and
-- per_row are multiples of 16. Raw rows are always per slot.
DROP MACRO TABLE slot_src;
CREATE MACRO slot_src(lo, hi, h_end, m_end, grouped) AS TABLE
    SELECT ts, NULL::USMALLINT AS node_id, (grp * 16)::USMALLINT AS slot, keys, cpu_usec, net_in, net_out FROM slot_groups_1h
    WHERE grouped AND ts >= lo AND ts < least(h_end, hi)
    UNION ALL
    SELECT ts, node_id, slot, keys, cpu_usec, net_in, net_out FROM slot_stats_1h
    WHERE NOT grouped AND ts >= lo AND ts < least(h_end, hi)
    UNION ALL
    SELECT ts, NULL::USMALLINT AS node_id, (grp * 16)::USMALLINT AS slot, keys, cpu_usec, net_in, net_out FROM slot_groups_5m
    WHERE grouped AND ts >= greatest(lo, h_end) AND ts < least(m_end, hi)
    UNION ALL
    SELECT ts, node_id, slot, keys, cpu_usec, net_in, net_out FROM slot_stats_5m
    WHERE NOT grouped AND ts >= greatest(lo, h_end) AND ts < least(m_end, hi)
    UNION ALL
    SELECT ts, node_id, slot, keys, cpu_usec, net_in, net_out FROM slot_stats
    WHERE ts >= greatest(lo, m_end) AND ts < hi;
