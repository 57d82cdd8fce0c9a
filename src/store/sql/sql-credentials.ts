import { StoreConflictError, StoreNotFoundError } from '../../errors/errors.js';
import { decodeCursor, pageLimit, toPage } from '../page-cursor.js';
import type {
  CredentialPatch,
  CredentialRecord,
  CredentialTestResult,
  NewCredential,
  Page,
  PageRequest,
} from '../store-records.js';
import { bytes, json, nullableJson, nullableText, text, toJson } from './row-values.js';
import { conflictOnUnique, onlyRow, setClause, type SqlContext } from './sql-context.js';
import type { SqlRow } from './sql-driver.js';

const COLUMNS =
  'id, name, type, description, encrypted_secret, config, key_created_on, last_test, ' +
  'created_at, updated_at';

export function credentialFromRow(row: SqlRow): CredentialRecord {
  return {
    id: text(row, 'id'),
    name: text(row, 'name'),
    type: text(row, 'type'),
    description: nullableText(row, 'description'),
    encrypted_secret: bytes(row, 'encrypted_secret'),
    config: json(row, 'config'),
    key_created_on: nullableText(row, 'key_created_on'),
    last_test: nullableJson(row, 'last_test'),
    created_at: text(row, 'created_at'),
    updated_at: text(row, 'updated_at'),
  };
}

export async function createCredential(
  ctx: SqlContext,
  input: NewCredential,
): Promise<CredentialRecord> {
  const at = ctx.now();
  const values = [
    input.id,
    input.name,
    input.type,
    input.description ?? null,
    input.encrypted_secret,
    toJson(input.config ?? {}),
    input.key_created_on ?? null,
    at,
  ];

  try {
    const { rows } = await ctx.db.query(
      `INSERT INTO credentials (id, name, type, description, encrypted_secret, config,
         key_created_on, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING ${COLUMNS}`,
      values,
    );
    return credentialFromRow(onlyRow(rows, 'credential', input.id));
  } catch (error) {
    conflictOnUnique(ctx, error, `a credential named ${JSON.stringify(input.name)} exists`);
  }
}

export async function getCredential(ctx: SqlContext, id: string): Promise<CredentialRecord> {
  const { rows } = await ctx.db.query(`SELECT ${COLUMNS} FROM credentials WHERE id = $1`, [id]);
  return credentialFromRow(onlyRow(rows, 'credential', id));
}

export async function getCredentialByName(
  ctx: SqlContext,
  name: string,
): Promise<CredentialRecord> {
  const { rows } = await ctx.db.query(`SELECT ${COLUMNS} FROM credentials WHERE name = $1`, [name]);
  return credentialFromRow(onlyRow(rows, 'credential', name));
}

export async function listCredentials(
  ctx: SqlContext,
  page: PageRequest | undefined,
): Promise<Page<CredentialRecord>> {
  const limit = pageLimit(page);
  const after = decodeCursor('credentials', page?.cursor);
  const where = after === undefined ? '' : 'WHERE name > $2';
  const params = after === undefined ? [limit + 1] : [limit + 1, String(after)];

  const { rows } = await ctx.db.query(
    `SELECT ${COLUMNS} FROM credentials ${where} ORDER BY name LIMIT $1`,
    params,
  );
  return toPage('credentials', rows.map(credentialFromRow), limit, (item) => item.name);
}

export async function updateCredential(
  ctx: SqlContext,
  id: string,
  patch: CredentialPatch,
): Promise<CredentialRecord> {
  const set = setClause(
    {
      name: patch.name,
      type: patch.type,
      description: patch.description,
      encrypted_secret: patch.encrypted_secret,
      config: patch.config === undefined ? undefined : toJson(patch.config),
      key_created_on: patch.key_created_on,
      updated_at: ctx.now(),
    },
    2,
  );

  try {
    const { rows } = await ctx.db.query(
      `UPDATE credentials SET ${set.sql} WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, ...set.values],
    );
    return credentialFromRow(onlyRow(rows, 'credential', id));
  } catch (error) {
    conflictOnUnique(ctx, error, `a credential named ${JSON.stringify(patch.name)} exists`);
  }
}

export async function recordCredentialTest(
  ctx: SqlContext,
  id: string,
  result: CredentialTestResult,
): Promise<CredentialRecord> {
  const { rows } = await ctx.db.query(
    `UPDATE credentials SET last_test = $2 WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, toJson(result)],
  );
  return credentialFromRow(onlyRow(rows, 'credential', id));
}

// TODO(#6): a flow saved with this credential between the check and the delete makes the
// foreign key refuse the delete with the driver's own error, not a StoreConflictError.
export async function deleteCredential(ctx: SqlContext, id: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const users = await tx.query(
      `SELECT f.name FROM flows f JOIN flow_credentials fc ON fc.flow_id = f.id
       WHERE fc.credential_id = $1 ORDER BY f.name`,
      [id],
    );
    const flows = users.rows.map((row) => text(row, 'name'));

    if (flows.length > 0) {
      throw new StoreConflictError(
        `credential ${id} is used by ${flows.length} flow(s): ${flows.join(', ')}`,
        { details: { credential_id: id, flows } },
      );
    }

    const { rowCount } = await tx.query('DELETE FROM credentials WHERE id = $1', [id]);
    if (rowCount === 0) throw new StoreNotFoundError('credential', id);
  });
}
