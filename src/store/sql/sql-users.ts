import { StoreNotFoundError } from '../../errors/errors.js';
import { hashApiToken, newApiTokenSecret } from '../api-token-secret.js';
import { decodeCursor, pageLimit, toPage } from '../page-cursor.js';
import { hashPassword, verifyPassword as passwordMatches } from '../password-hash.js';
import type {
  ApiTokenRecord,
  AuthenticatedToken,
  CreatedApiToken,
  NewUser,
  Page,
  PageRequest,
  UserPatch,
  UserRecord,
} from '../store-records.js';
import { nullableText, text } from './row-values.js';
import { conflictOnUnique, onlyRow, setClause, type SqlContext } from './sql-context.js';
import type { SqlRow } from './sql-driver.js';

const USER_COLUMNS = 'id, username, role, created_at';
const TOKEN_COLUMNS = 'id, user_id, name, created_at, last_used_at';

/** Checked against when the user does not exist, so both answers take as long. */
const NO_SUCH_USER_HASH = `scrypt$32768$8$1$${'A'.repeat(22)}==$${Buffer.alloc(64).toString('base64')}`;

export async function createUser(ctx: SqlContext, input: NewUser): Promise<UserRecord> {
  const id = ctx.newId();
  const hash = await hashPassword(input.password);

  try {
    const { rows } = await ctx.db.query(
      `INSERT INTO users (id, username, password_hash, role, created_at)
       VALUES ($1, $2, $3, $4, $5) RETURNING ${USER_COLUMNS}`,
      [id, input.username, hash, input.role, ctx.now()],
    );
    return userFromRow(onlyRow(rows, 'user', id));
  } catch (error) {
    conflictOnUnique(ctx, error, `a user named ${JSON.stringify(input.username)} exists`);
  }
}

export async function getUser(ctx: SqlContext, id: string): Promise<UserRecord> {
  const { rows } = await ctx.db.query(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]);
  return userFromRow(onlyRow(rows, 'user', id));
}

export async function getUserByUsername(ctx: SqlContext, username: string): Promise<UserRecord> {
  const { rows } = await ctx.db.query(`SELECT ${USER_COLUMNS} FROM users WHERE username = $1`, [
    username,
  ]);
  return userFromRow(onlyRow(rows, 'user', username));
}

export async function listUsers(
  ctx: SqlContext,
  page: PageRequest | undefined,
): Promise<Page<UserRecord>> {
  const limit = pageLimit(page);
  const after = decodeCursor('users', page?.cursor);
  const where = after === undefined ? '' : 'WHERE username > $2';
  const params = after === undefined ? [limit + 1] : [limit + 1, String(after)];

  const { rows } = await ctx.db.query(
    `SELECT ${USER_COLUMNS} FROM users ${where} ORDER BY username LIMIT $1`,
    params,
  );
  return toPage('users', rows.map(userFromRow), limit, (user) => user.username);
}

export async function updateUser(
  ctx: SqlContext,
  id: string,
  patch: UserPatch,
): Promise<UserRecord> {
  const hash = patch.password === undefined ? undefined : await hashPassword(patch.password);
  const set = setClause({ password_hash: hash, role: patch.role }, 2);
  if (set.values.length === 0) return getUser(ctx, id);

  const { rows } = await ctx.db.query(
    `UPDATE users SET ${set.sql} WHERE id = $1 RETURNING ${USER_COLUMNS}`,
    [id, ...set.values],
  );
  return userFromRow(onlyRow(rows, 'user', id));
}

export async function deleteUser(ctx: SqlContext, id: string): Promise<void> {
  const { rowCount } = await ctx.db.query('DELETE FROM users WHERE id = $1', [id]);
  if (rowCount === 0) throw new StoreNotFoundError('user', id);
}

export async function verifyPassword(
  ctx: SqlContext,
  username: string,
  password: string,
): Promise<UserRecord | null> {
  const { rows } = await ctx.db.query(
    `SELECT ${USER_COLUMNS}, password_hash FROM users WHERE username = $1`,
    [username],
  );
  const row = rows[0];

  const stored = row === undefined ? NO_SUCH_USER_HASH : text(row, 'password_hash');
  const matches = await passwordMatches(password, stored);
  return row !== undefined && matches ? userFromRow(row) : null;
}

export async function createApiToken(
  ctx: SqlContext,
  input: { user_id: string; name: string },
): Promise<CreatedApiToken> {
  await getUser(ctx, input.user_id);

  const id = ctx.newId();
  const secret = newApiTokenSecret();
  const { rows } = await ctx.db.query(
    `INSERT INTO api_tokens (id, user_id, token_hash, name, created_at)
     VALUES ($1, $2, $3, $4, $5) RETURNING ${TOKEN_COLUMNS}`,
    [id, input.user_id, hashApiToken(secret), input.name, ctx.now()],
  );
  return { token: tokenFromRow(onlyRow(rows, 'API token', id)), secret };
}

export async function authenticateApiToken(
  ctx: SqlContext,
  secret: string,
): Promise<AuthenticatedToken | null> {
  const { rows } = await ctx.db.query(
    `UPDATE api_tokens SET last_used_at = $2 WHERE token_hash = $1 RETURNING ${TOKEN_COLUMNS}`,
    [hashApiToken(secret), ctx.now()],
  );
  const row = rows[0];
  if (row === undefined) return null;

  const token = tokenFromRow(row);
  return { token, user: await getUser(ctx, token.user_id) };
}

export async function listApiTokens(ctx: SqlContext, userId: string): Promise<ApiTokenRecord[]> {
  const { rows } = await ctx.db.query(
    `SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE user_id = $1 ORDER BY seq`,
    [userId],
  );
  return rows.map(tokenFromRow);
}

export async function deleteApiToken(ctx: SqlContext, id: string): Promise<void> {
  const { rowCount } = await ctx.db.query('DELETE FROM api_tokens WHERE id = $1', [id]);
  if (rowCount === 0) throw new StoreNotFoundError('API token', id);
}

function userFromRow(row: SqlRow): UserRecord {
  return {
    id: text(row, 'id'),
    username: text(row, 'username'),
    role: text(row, 'role') as UserRecord['role'],
    created_at: text(row, 'created_at'),
  };
}

function tokenFromRow(row: SqlRow): ApiTokenRecord {
  return {
    id: text(row, 'id'),
    user_id: text(row, 'user_id'),
    name: text(row, 'name'),
    created_at: text(row, 'created_at'),
    last_used_at: nullableText(row, 'last_used_at'),
  };
}
