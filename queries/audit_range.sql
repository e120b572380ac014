-- Audit rows in [$from, $to), newest first.
SELECT ts, source, node, command, target, ok, error
FROM audit
WHERE ts >= $from AND ts < $to
ORDER BY ts DESC, rowid DESC
LIMIT $limit;
