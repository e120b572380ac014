-- Chart data for agg=minmax (per-pixel min/max decimation, the M4 idea): for each (bucket, node, metric) the
-- bucket's smallest and largest value and which of the two happened first, so a chart that draws both, in that
-- order, covers exactly the vertical span that drawing every sample would cover: a spike is never averaged away.
-- Same bucketing and the same one-table-per-time-range reads as series.sql:
--   [$lo, $h_end) from samples_1h, [$h_end, $m_end) from samples_1m, [$m_end, $hi) from raw samples.
-- A raw sample is its own min and max at its ts. A rollup row knows its min and max but not when inside the row
-- they happened, so rollup-sourced buckets order them at the row's granularity (its ts is the row start); when both
-- come from the same row (or the same sample), min_first is true. Ties (the same value more than once) count the
-- earliest occurrence, so the answer does not depend on the scan order.
WITH parts AS (
    SELECT ts, node_id, metric_id, min, max
    FROM samples_1h
    WHERE ts >= $lo AND ts < $h_end
      AND metric_id = ANY($metric_ids) AND node_id = ANY($node_ids)
    UNION ALL
    SELECT ts, node_id, metric_id, min, max
    FROM samples_1m
    WHERE ts >= $h_end AND ts < $m_end
      AND metric_id = ANY($metric_ids) AND node_id = ANY($node_ids)
    UNION ALL
    SELECT ts, node_id, metric_id, value, value
    FROM samples
    WHERE ts >= $m_end AND ts < $hi
      AND metric_id = ANY($metric_ids) AND node_id = ANY($node_ids)
)
SELECT
    CAST((epoch_ms(time_bucket(to_milliseconds($step_ms), ts, $lo)) - epoch_ms($lo)) // $step_ms AS INTEGER) AS bucket,
    node_id,
    metric_id,
    min(min) AS min_value,
    max(max) AS max_value,
    -- Earliest ts of the smallest min <= earliest ts of the largest max.
    arg_min(ts, (min, ts)) <= arg_min(ts, (-max, ts)) AS min_first
FROM parts
GROUP BY ALL
ORDER BY node_id, metric_id, bucket;
