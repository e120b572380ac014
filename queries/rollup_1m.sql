-- Rolls raw samples in [$from, $to) (whole closed minutes) into samples_1m.
INSERT INTO samples_1m (ts, node_id, metric_id, min, max, sum, count, last)
SELECT time_bucket(INTERVAL 1 MINUTE, ts) AS bucket, node_id, metric_id,
       min(value), max(value), sum(value), count(*), arg_max(value, ts)
FROM samples
WHERE ts >= $from AND ts < $to
GROUP BY bucket, node_id, metric_id
ORDER BY bucket, metric_id, node_id;
