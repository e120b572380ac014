-- Chart data: one value per (bucket, node, metric) for the chosen series, in buckets of $step_ms
-- starting at $lo. Reads each time range from one table only, so a bucket that straddles a
-- rollup watermark still counts every sample exactly once:
--   [$lo, $h_end) from samples_1h, [$h_end, $m_end) from samples_1m, [$m_end, $hi) from raw samples.
-- For a raw-only query the caller passes $h_end = $m_end = $lo.
WITH parts AS (
    SELECT ts, node_id, metric_id, min, max, sum, count, last
    FROM samples_1h
    WHERE ts >= $lo AND ts < $h_end
      AND metric_id = ANY($metric_ids) AND node_id = ANY($node_ids)
    UNION ALL
    SELECT ts, node_id, metric_id, min, max, sum, count, last
    FROM samples_1m
    WHERE ts >= $h_end AND ts < $m_end
      AND metric_id = ANY($metric_ids) AND node_id = ANY($node_ids)
    UNION ALL
    SELECT ts, node_id, metric_id, value, value, value, 1, value
    FROM samples
    WHERE ts >= $m_end AND ts < $hi
      AND metric_id = ANY($metric_ids) AND node_id = ANY($node_ids)
)
SELECT
    CAST((epoch_ms(time_bucket(to_milliseconds($step_ms), ts, $lo)) - epoch_ms($lo)) // $step_ms AS INTEGER) AS bucket,
    node_id,
    metric_id,
    CASE $agg
        WHEN 'max' THEN max(max)
        WHEN 'min' THEN min(min)
        WHEN 'last' THEN arg_max(last, ts)
        ELSE sum(sum) / sum(count)
    END AS value
FROM parts
GROUP BY ALL
ORDER BY node_id, metric_id, bucket;
