-- Rolls raw slot statistics in [$from, $to) (whole closed 5-minute buckets) into slot_stats_5m.
INSERT INTO slot_stats_5m (ts, node_id, slot, keys, cpu_usec, net_in, net_out)
SELECT time_bucket(INTERVAL 5 MINUTE, ts) AS bucket, arg_max(node_id, ts), slot, arg_max(keys, ts),
       sum(cpu_usec), sum(net_in), sum(net_out)
FROM slot_stats
WHERE ts >= $from AND ts < $to
GROUP BY bucket, slot
ORDER BY bucket, slot;
