-- Drops hot-key rows and runs before $before (a whole hour).
DELETE FROM hotkeys
WHERE ts < $before;
