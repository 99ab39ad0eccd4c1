"""Full-text search over cases, documents, decisions, meetings and plans (issue 9).

How it fits together:

- receivers.py  the only listener to the domain apps: every write queues its
                records in the outbox (models.PendingChange) and enqueues
                tasks.apply_pending, in the write's own transaction;
- projection.py what each audience tier may read of a record, built in bulk
                from the domain tables with the domain apps' own rules, stored
                as models.SearchRecord rows (identical tiers share a row);
- access.py     which variant a reader matches (tiers public/internal/secret
                from the reader's READ_SECRET and READ_INTERNAL grants);
- query.py      our parser: any text → ParsedQuery or a Swedish message;
- engines/      one interface, three engines: tantivy (default, on disk),
                PostgreSQL full-text search, and the database fallback used
                while the tantivy index is missing;
- services.py   pending_apply, record_refresh, index_rebuild, engine_build;
- selectors.py  search() and search_health();
- management/commands/reindex.py  `diarium reindex [--status|--engine-only]`.

Settings: DIARIUM_SEARCH_ENGINE ("tantivy" | "postgres"), DIARIUM_SEARCH_INDEX_DIR
(default VAR_DIR/search-index), DIARIUM_SEARCH_WRITER_HEAP_MB (rebuilds, 512),
DIARIUM_SEARCH_BATCH (outbox rows per pass, 500); extract.py reads its own limits.
"""
