-- Drops latency monitor samples before $before (a whole hour).
DELETE FROM latency_samples
WHERE ts < $before;
