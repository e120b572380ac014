-- Drops 1-hour rollups before $before (a whole hour).
DELETE FROM samples_1h
WHERE ts < $before;
