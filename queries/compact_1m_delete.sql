-- Compaction step 2: drop the day's rows in arrival order.
DELETE FROM samples_1m
WHERE ts >= $from AND ts < $to;
