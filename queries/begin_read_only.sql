-- Starts the read-only transaction that user SQL runs in: DuckDB refuses any write inside it.
BEGIN TRANSACTION READ ONLY;
