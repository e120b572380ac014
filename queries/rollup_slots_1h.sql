-- Rolls 5-minute slot statistics in [$from, $to) (whole closed hours) into slot_stats_1h.
INSERT INTO slot_stats_1h (ts, node_id, slot, keys, cpu_usec, net_in, net_out)
SELECT time_bucket(INTERVAL 1 HOUR, ts) AS bucket, arg_max(node_id, ts), slot, arg_max(keys, ts),
       sum(cpu_usec), sum(net_in), sum(net_out)
FROM slot_stats_5m
WHERE ts >= $from AND ts < $to
GROUP BY bucket, slot
ORDER BY bucket, slot;
