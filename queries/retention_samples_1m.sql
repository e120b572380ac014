-- Drops 1-minute rollups before $before (a whole hour).
DELETE FROM samples_1m
WHERE ts < $before;
