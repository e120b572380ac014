-- Records a finished hot-key run and returns its id (its key rows are appended after, with that id).
INSERT INTO hotkey_runs (run_id, started, finished, method, status, trigger, detail)
VALUES (nextval('hotkey_run_ids'), $started, $finished, $method, $status, $trigger, $detail)
RETURNING run_id;
