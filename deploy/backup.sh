#!/bin/sh
# The backup of docs/deploy.md, "Backups": the key directory first, then the database, so
# that a backup's .signed files never run ahead of its dump.
set -eu
mkdir -p backups
stamp=$(date -u +%Y%m%dT%H%M%SZ)
tar -czf "backups/keys-$(hostname)-$stamp.tar.gz" -C "$(dirname "$SHOWCLEAR_KEY_DIR")" "$(basename "$SHOWCLEAR_KEY_DIR")"
pg_dump --format=custom --file "backups/showclear-$stamp.dump" "$SHOWCLEAR_DB"
