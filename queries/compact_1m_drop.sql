-- Compaction step 4: drop the staging copy.
DROP TABLE IF EXISTS temp.compact_1m;
