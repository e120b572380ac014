-- Sums the slot_stats_1h rows in [$from, $to) (the buckets just rolled up) over groups of 16 slots into slot_groups_1h.
INSERT INTO slot_groups_1h (ts, grp, keys, cpu_usec, net_in, net_out)
SELECT ts, slot // 16 AS grp, sum(keys), sum(cpu_usec), sum(net_in), sum(net_out)
FROM slot_stats_1h
WHERE ts >= $from AND ts < $to
GROUP BY ts, grp
ORDER BY ts, grp;
