-- Starts a read-write transaction (migrations, rollups, compaction).
BEGIN TRANSACTION;
