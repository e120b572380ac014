-- Drops hot-key runs that started before $before (their key rows went with retention_hotkeys).
DELETE FROM hotkey_runs
WHERE started < $before;
