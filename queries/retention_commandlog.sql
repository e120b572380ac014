-- Drops command log entries logged before $before (a whole hour).
DELETE FROM commandlog
WHERE ts < $before;
