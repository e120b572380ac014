-- Compaction step 3: put the day back in metric order.
INSERT INTO samples_1m
SELECT * FROM temp.compact_1m;
