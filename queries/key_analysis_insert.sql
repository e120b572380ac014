-- Records a memory-analysis run as it starts and returns its id (key_analysis_finish fills in the rest).
INSERT INTO key_analysis_runs (run_id, started, state, match, sample_keys)
VALUES (nextval('key_analysis_ids'), $started, 'running', $match, $sample_keys)
RETURNING run_id;
