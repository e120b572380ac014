-- Compaction step 1: copy one closed day of samples_1m, ordered by metric so that after the
-- rewrite each row group holds few metrics and zonemaps on metric_id skip the rest.
CREATE OR REPLACE TEMP TABLE compact_1m AS
SELECT ts, node_id, metric_id, min, max, sum, count, last
FROM samples_1m
WHERE ts >= $from AND ts < $to
ORDER BY metric_id, node_id, ts;
