-- Drops per-slot statistics before $before (a whole hour).
DELETE FROM slot_stats
WHERE ts < $before;
