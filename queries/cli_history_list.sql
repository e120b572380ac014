-- The newest $limit commands run in the CLI, newest first.
SELECT ts, node, command, ok, ms
FROM cli_history
ORDER BY ts DESC, rowid DESC
LIMIT $limit;
