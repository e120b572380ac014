-- Drops 5-minute slot statistics before $before (a whole hour, never past the 1h rollup watermark).
DELETE FROM slot_stats_5m
WHERE ts < $before;
