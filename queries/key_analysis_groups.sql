-- One memory-analysis run's groups (type, prefix, ttl), biggest estimate first within each dimension.
SELECT dimension, name, keys, bytes, est_keys, est_bytes, est_bytes_low, est_bytes_high
FROM key_analysis_groups
WHERE run_id = $run_id
ORDER BY dimension, est_bytes DESC, name;
