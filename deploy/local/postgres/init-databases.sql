-- Two login roles and one database per service; neither can reach another service's database.
--   <db>      owns the database and its tables; runs migrations (DATABASE_MIGRATION_URL).
--   <db>_app  what the service runs as (DATABASE_URL): no ownership, no DDL, no BYPASSRLS; the
--             migrate step grants it exactly the table privileges the service needs.
-- Idempotent: safe to run on every `deploy/local/up.sh` and as a docker-entrypoint-initdb.d script.
-- Run with psql (uses \gexec) as a superuser. Local-only passwords: password = role name.
\set ON_ERROR_STOP on

CREATE TEMPORARY TABLE caredispatch_service_db (name text PRIMARY KEY);
INSERT INTO caredispatch_service_db (name) VALUES
  ('caredispatch_ehr_gateway'),
  ('caredispatch_scheduling'),
  ('caredispatch_messaging'),
  ('caredispatch_dispatch_optimizer'),
  ('caredispatch_waitlist'),
  ('caredispatch_audit_log');

CREATE TEMPORARY TABLE caredispatch_service_role (name text PRIMARY KEY, db text NOT NULL);
INSERT INTO caredispatch_service_role (name, db)
  SELECT name, name FROM caredispatch_service_db
  UNION ALL SELECT name || '_app', name FROM caredispatch_service_db;

SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', name, name)
  FROM caredispatch_service_role
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = name)
\gexec

-- No superuser, no role/database creation, no row-level security bypass, only its own connections.
SELECT format('ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS', name)
  FROM caredispatch_service_role
\gexec

SELECT format('CREATE DATABASE %I OWNER %I', name, name)
  FROM caredispatch_service_db
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = name)
\gexec

SELECT format('ALTER DATABASE %I OWNER TO %I', name, name)
  FROM caredispatch_service_db
\gexec

-- PUBLIC gets CONNECT and TEMPORARY on every new database by default; take them back so a
-- service role reaches only the database it owns.
SELECT format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', name)
  FROM caredispatch_service_db
\gexec

SELECT format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', db, name)
  FROM caredispatch_service_role
\gexec

DROP TABLE caredispatch_service_role;
DROP TABLE caredispatch_service_db;
