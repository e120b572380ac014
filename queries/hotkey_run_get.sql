-- One hot-key run by id, with how many key rows it found.
SELECT r.run_id, r.started, r.finished, r.method, r.status, r.trigger, r.detail::VARCHAR AS detail,
       (SELECT count(*) FROM hotkeys h WHERE h.run_id = r.run_id) AS keys
FROM hotkey_runs r
WHERE r.run_id = $run_id;
