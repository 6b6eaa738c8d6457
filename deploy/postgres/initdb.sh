#!/bin/sh
# Docker entrypoint init script for the postgres image (compose.yaml mounts it into
# /docker-entrypoint-initdb.d/): runs roles.sql — the same script deployments and the test
# suite use — then gives the two roles their passwords from the container's environment.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
     -v owner=linli_owner -v app=linli_app -v db=linli -f /linli/roles.sql
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
     -v owner_pw="$OWNER_DB_PASSWORD" -v app_pw="$APP_DB_PASSWORD" <<'SQL'
ALTER ROLE linli_owner PASSWORD :'owner_pw';
ALTER ROLE linli_app PASSWORD :'app_pw';
SQL
