-- The oldest raw slot statistics row: where slot rollups start in a file never maintained.
SELECT min(ts) FROM slot_stats;
