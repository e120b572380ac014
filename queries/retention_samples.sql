-- Drops raw samples before $before (a whole hour, never past the 1m rollup watermark).
DELETE FROM samples
WHERE ts < $before;
