import type { Migration } from '../sql/migrate.js';

/** The SQLite schema, version by version. JSON is TEXT, timestamps ISO TEXT, secrets BLOB. */
export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    statements: [
      `CREATE TABLE credentials (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        description TEXT,
        encrypted_secret BLOB NOT NULL,
        config TEXT NOT NULL,
        key_created_on TEXT,
        last_test TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      )`,
      `CREATE TABLE flows (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        definition TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('active', 'paused')),
        schedule TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      )`,
      `CREATE TABLE flow_credentials (
        flow_id TEXT NOT NULL REFERENCES flows (id) ON DELETE CASCADE,
        credential_id TEXT NOT NULL REFERENCES credentials (id),
        PRIMARY KEY (flow_id, credential_id)
      )`,
      'CREATE INDEX flow_credentials_by_credential ON flow_credentials (credential_id)',
      `CREATE TABLE runs (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        flow_id TEXT NOT NULL REFERENCES flows (id) ON DELETE CASCADE,
        status TEXT NOT NULL
          CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
        trigger_kind TEXT NOT NULL CHECK (trigger_kind IN ('manual', 'schedule', 'api')),
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT,
        duration_ms INTEGER,
        counts TEXT NOT NULL,
        warnings TEXT NOT NULL,
        error TEXT,
        claimed_by TEXT,
        heartbeat_at TEXT,
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
        logged_at TEXT NOT NULL,
        message TEXT NOT NULL,
        fields TEXT NOT NULL,
        PRIMARY KEY (run_id, seq)
      )`,
      `CREATE TABLE sync_state (
        flow TEXT NOT NULL,
        partition_key TEXT NOT NULL,
        value_json TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (flow, partition_key)
      )`,
      `CREATE TABLE notifications (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        flow_id TEXT,
        run_id TEXT,
        credential_id TEXT,
        message TEXT NOT NULL,
        created_at TEXT NOT NULL,
        read_at TEXT
      )`,
      `CREATE TABLE audit_entries (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        entity_type TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        before_json TEXT,
        after_json TEXT,
        at TEXT NOT NULL
      )`,
      'CREATE INDEX audit_by_entity ON audit_entries (entity_type, entity_id, seq)',
      `CREATE TABLE users (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
        created_at TEXT NOT NULL
      )`,
      `CREATE TABLE api_tokens (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        token_hash TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        created_at TEXT NOT NULL,
        last_used_at TEXT
      )`,
    ],
  },
];
