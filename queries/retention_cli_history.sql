-- Drops CLI history before $before (a whole hour).
DELETE FROM cli_history
WHERE ts < $before;
