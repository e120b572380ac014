-- DuckDB's buffer memory: blocks of stored tables cached after reads and checkpoints (evictable), and everything else.
SELECT coalesce(sum(memory_usage_bytes) FILTER (WHERE tag = 'BASE_TABLE'), 0) AS cached,
       coalesce(sum(memory_usage_bytes) FILTER (WHERE tag <> 'BASE_TABLE'), 0) AS other
FROM duckdb_memory();
