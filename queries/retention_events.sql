-- Drops events before $before (a whole hour).
DELETE FROM events
WHERE ts < $before;
