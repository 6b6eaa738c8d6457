-- Linli: the database and its two roles. Run once, as a superuser, when setting up a server:
--
--   psql -h HOST -U postgres -v owner=linli_owner -v app=linli_app -v db=linli \
--        -f deploy/postgres/roles.sql
--
-- owner: owns the schema and every table; `linli migrate` connects as it
--        (LINLI_MIGRATE_DATABASE_URL).
-- app:   what the API and workers connect as (LINLI_DATABASE_URL). It owns nothing, is no
--        superuser and lacks BYPASSRLS, so row-level security always applies to it.
-- Give both a password afterwards (`\password linli_owner`, `\password linli_app`) unless the
-- server authenticates them otherwise. The test suite runs this same file for every run
-- (core/pgtest.py substitutes the three names).

CREATE ROLE :"owner" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
CREATE ROLE :"app" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT;
CREATE DATABASE :"db" OWNER :"owner" ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"app";

\connect :"db"

REVOKE CREATE ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO :"owner";
GRANT USAGE ON SCHEMA public TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO :"app";
