-- Drops 1-hour slot statistics before $before (a whole hour).
DELETE FROM slot_stats_1h
WHERE ts < $before;
