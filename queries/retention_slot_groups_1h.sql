-- Drops slot groups before $before, with the slot_stats_1h rows they sum.
DELETE FROM slot_groups_1h
WHERE ts < $before;
