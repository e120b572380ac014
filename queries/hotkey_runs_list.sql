-- Hot-key runs that started in [$from, $to), newest first, with how many key rows each found.
SELECT r.run_id, r.started, r.finished, r.method, r.status, r.trigger, r.detail::VARCHAR AS detail,
       (SELECT count(*) FROM hotkeys h WHERE h.run_id = r.run_id) AS keys
FROM hotkey_runs r
WHERE r.started >= $from AND r.started < $to
ORDER BY r.started DESC, r.run_id DESC
LIMIT $limit;
