"""PostgreSQL's own promises: concurrent writers, restarts, copies between backends."""
