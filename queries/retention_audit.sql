-- Drops audit rows before $before (a whole hour).
DELETE FROM audit
WHERE ts < $before;
