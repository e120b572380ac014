-- Ends a transaction, keeping its work.
COMMIT;
