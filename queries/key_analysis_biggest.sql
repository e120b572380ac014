-- The biggest keys one memory-analysis run saw, biggest first.
SELECT rank, node, key, type, bytes, length
FROM key_analysis_biggest
WHERE run_id = $run_id
ORDER BY rank;
