-- Writes the WAL into the database file (on close, so the next open has nothing to replay).
CHECKPOINT;
