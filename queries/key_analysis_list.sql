-- Memory-analysis runs, newest first, with their estimated total bytes.
SELECT r.run_id, r.started, r.ended, r.state, r.match, r.sample_keys, r.total_keys, r.sampled,
       (SELECT sum(g.est_bytes) FROM key_analysis_groups g WHERE g.run_id = r.run_id AND g.dimension = 'type') AS est_bytes
FROM key_analysis_runs r
ORDER BY r.started DESC, r.run_id DESC
LIMIT $limit;
