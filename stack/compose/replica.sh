#!/bin/sh
# The streaming replica of compose.yaml: cloned from the primary with pg_basebackup -R
# on first start (as stack/stack.py does), then a hot standby.
set -e
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until pg_isready -h pg-primary -U postgres -q; do sleep 1; done
  pg_basebackup -h pg-primary -U postgres -D "$PGDATA" -R -X stream --checkpoint=fast -C -S diarium_replica
  chmod 700 "$PGDATA"
fi
exec postgres -c hot_standby=on -c hba_file=/etc/postgresql/pg_hba.conf
