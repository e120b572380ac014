-- Ends a memory-analysis run: its state, totals and detail (its groups and biggest keys are appended beside it).
UPDATE key_analysis_runs
SET ended = $ended, state = $state, total_keys = $total_keys, sampled = $sampled, detail = $detail
WHERE run_id = $run_id;
