-- Drops slot groups before $before, with the slot_stats_5m rows they sum.
DELETE FROM slot_groups_5m
WHERE ts < $before;
