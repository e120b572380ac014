-- Rolls samples_1m in [$from, $to) (whole closed hours) into samples_1h.
INSERT INTO samples_1h (ts, node_id, metric_id, min, max, sum, count, last)
SELECT time_bucket(INTERVAL 1 HOUR, ts) AS bucket, node_id, metric_id,
       min(min), max(max), sum(sum), sum(count), arg_max(last, ts)
FROM samples_1m
WHERE ts >= $from AND ts < $to
GROUP BY bucket, node_id, metric_id
ORDER BY bucket, metric_id, node_id;
