import type { Migration } from '../sql/migrate.js';

/**
 * The PostgreSQL schema, version by version. Names sort with the "C" collation so lists page in
 * the same order as on SQLite; flow definitions and run counts are `json` (keeps the key order
 * people wrote or read), other JSON is `jsonb`.
 */
export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    statements: [
      `CREATE TABLE credentials (
        id TEXT PRIMARY KEY,
        name TEXT COLLATE "C" NOT NULL UNIQUE,
        type TEXT NOT NULL,
        description TEXT,
        encrypted_secret BYTEA NOT NULL,
        config JSONB NOT NULL,
        key_created_on DATE,
        last_test JSONB,
        created_at TIMESTAMPTZ NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL
      )`,
      `CREATE TABLE flows (
        id TEXT PRIMARY KEY,
        name TEXT COLLATE "C" NOT NULL UNIQUE,
        definition JSON NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('active', 'paused')),
        schedule TEXT,
        created_at TIMESTAMPTZ NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL
      )`,
      `CREATE TABLE flow_credentials (
        flow_id TEXT NOT NULL REFERENCES flows (id) ON DELETE CASCADE,
        credential_id TEXT NOT NULL REFERENCES credentials (id),
        PRIMARY KEY (flow_id, credential_id)
      )`,
      'CREATE INDEX flow_credentials_by_credential ON flow_credentials (credential_id)',
      `CREATE TABLE runs (
        seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
        id TEXT PRIMARY KEY,
        flow_id TEXT NOT NULL REFERENCES flows (id) ON DELETE CASCADE,
        status TEXT NOT NULL
          CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
        trigger_kind TEXT NOT NULL CHECK (trigger_kind IN ('manual', 'schedule', 'api')),
        created_at TIMESTAMPTZ NOT NULL,
        started_at TIMESTAMPTZ,
        finished_at TIMESTAMPTZ,
        duration_ms BIGINT,
        counts JSON NOT NULL,
        warnings JSONB NOT NULL,
        error JSONB,
        claimed_by TEXT,
        heartbeat_at TIMESTAMPTZ,
        log_lines INTEGER NOT NULL DEFAULT 0,
        log_lines_dropped INTEGER NOT NULL DEFAULT 0
      )`,
      'CREATE INDEX runs_by_flow ON runs (flow_id, seq)',
      'CREATE INDEX runs_by_status ON runs (status, seq)',
      "CREATE UNIQUE INDEX runs_one_running_per_flow ON runs (flow_id) WHERE status = 'running'",
      `CREATE TABLE run_logs (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        level TEXT NOT NULL,
        logged_at TIMESTAMPTZ NOT NULL,
        message TEXT NOT NULL,
        fields JSONB NOT NULL,
        PRIMARY KEY (run_id, seq)
      )`,
      `CREATE TABLE sync_state (
        flow TEXT COLLATE "C" NOT NULL,
        partition_key TEXT COLLATE "C" NOT NULL,
        value_json JSONB NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (flow, partition_key)
      )`,
      `CREATE TABLE notifications (
        seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        flow_id TEXT,
        run_id TEXT,
        credential_id TEXT,
        message TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        read_at TIMESTAMPTZ
      )`,
      `CREATE TABLE audit_entries (
        seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
        id TEXT PRIMARY KEY,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        entity_type TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        before_json JSONB,
        after_json JSONB,
        at TIMESTAMPTZ NOT NULL
      )`,
      'CREATE INDEX audit_by_entity ON audit_entries (entity_type, entity_id, seq)',
      `CREATE TABLE users (
        id TEXT PRIMARY KEY,
        username TEXT COLLATE "C" NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
        created_at TIMESTAMPTZ NOT NULL
      )`,
      `CREATE TABLE api_tokens (
        seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        token_hash TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        last_used_at TIMESTAMPTZ
      )`,
    ],
  },
];
