-- One memory-analysis run by id.
SELECT run_id, started, ended, state, match, sample_keys, total_keys, sampled, detail::VARCHAR AS detail
FROM key_analysis_runs
WHERE run_id = $run_id;
