-- The buffer pool's limit as DuckDB prints it (e.g. "18.8 GiB"): read once at open, to put back after a trim.
SELECT current_setting('memory_limit');
