-- Ends a transaction, discarding its work.
ROLLBACK;
