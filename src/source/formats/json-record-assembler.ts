import { type ParsedTokenInfo, TokenType } from '@streamparser/json';

import type { FlowRecord } from '../../destinations/destination.js';
import type { RecordsPath } from './records-path.js';

type Container = Record<string, unknown> | unknown[];

/** What the next token may be inside a container. */
type Expect = 'first' | 'key' | 'colon' | 'value' | 'comma';

interface Frame {
  container: Container;
  expect: Expect;
  /** Object members: the key whose value comes next. */
  key: string;
  /** The container sits where the records path leads, or on the way there. */
  onPath: boolean;
  /** `records`: its members are records; `record`: it is one record. */
  role: 'plain' | 'records' | 'record';
}

/** A JSON body that breaks the grammar, or is not a body of records. */
export class JsonShapeError extends Error {}

/**
 * Builds JSON values from tokens, handing each record to `onRecord` as soon as it is complete
 * and keeping nothing of it, so memory follows the size of one record, not of the body. What is
 * left — the envelope — is the body with its records container emptied (`{"data": [], "next":
 * "…"}`); a single-record object stays in it. Elements of the container that are not objects are
 * skipped, as the buffered parser does.
 */
export class JsonRecordAssembler {
  private readonly stack: Frame[] = [];
  private root: unknown;
  private done = false;
  private found = false;

  constructor(
    private readonly path: RecordsPath,
    private readonly onRecord: (record: FlowRecord) => void,
  ) {}

  /** Takes the next token; throws JsonShapeError on a token the grammar does not allow. */
  write(token: ParsedTokenInfo): void {
    switch (token.token) {
      case TokenType.LEFT_BRACE:
        return this.open({}, token);
      case TokenType.LEFT_BRACKET:
        return this.open([], token);
      case TokenType.RIGHT_BRACE:
      case TokenType.RIGHT_BRACKET:
        return this.close(token);
      case TokenType.COLON:
        return this.advance('colon', 'value', token);
      case TokenType.COMMA:
        return this.comma(token);
      case TokenType.STRING:
        return this.string(token);
      case TokenType.NUMBER:
      case TokenType.TRUE:
      case TokenType.FALSE:
      case TokenType.NULL:
        return this.primitive(token);
      default:
        throw unexpected(token);
    }
  }

  /** Checks that a whole value was read and that the records path led somewhere. */
  end(): void {
    if (!this.done) {
      const started = this.stack.length > 0;
      throw new JsonShapeError(
        started ? 'the body ends before the JSON value is complete' : 'the body is empty',
      );
    }

    if (this.root === null || typeof this.root !== 'object') {
      throw new JsonShapeError(`expected a JSON object or array, got ${describeValue(this.root)}`);
    }

    if (!this.found)
      throw new JsonShapeError(
        `the records path ${pathText(this.path)} matches nothing in the body`,
      );
  }

  /** The body without its records; meaningful after end(). */
  envelope(): unknown {
    return this.root;
  }

  private open(container: Container, token: ParsedTokenInfo): void {
    this.expectValue(token);

    const parent = this.stack.at(-1);
    const depth = this.stack.length;
    const onPath = parent === undefined || this.leadsOn(parent, depth);
    const atEnd = onPath && depth === this.path.members.length;
    if (atEnd) this.found = true;

    const role = !atEnd
      ? 'plain'
      : Array.isArray(container) || this.path.each
        ? 'records'
        : 'record';
    this.stack.push({ container, expect: 'first', key: '', onPath: onPath && !atEnd, role });
  }

  private leadsOn(parent: Frame, depth: number): boolean {
    return (
      parent.onPath &&
      !Array.isArray(parent.container) &&
      parent.key === this.path.members[depth - 1]
    );
  }

  private close(token: ParsedTokenInfo): void {
    const frame = this.stack.at(-1);
    const wantsArray = token.token === TokenType.RIGHT_BRACKET;
    const closable = frame !== undefined && (frame.expect === 'first' || frame.expect === 'comma');
    if (!closable || Array.isArray(frame.container) !== wantsArray) throw unexpected(token);

    this.stack.pop();
    if (frame.role === 'record') this.onRecord(frame.container as FlowRecord);
    this.place(frame.container);
  }

  private comma(token: ParsedTokenInfo): void {
    const frame = this.stack.at(-1);
    if (frame === undefined) throw unexpected(token);
    this.advance('comma', Array.isArray(frame.container) ? 'value' : 'key', token);
  }

  private string(token: ParsedTokenInfo): void {
    const frame = this.stack.at(-1);
    const isKey =
      frame !== undefined &&
      !Array.isArray(frame.container) &&
      (frame.expect === 'first' || frame.expect === 'key');
    if (!isKey) return this.primitive(token);

    frame.key = token.value as string;
    frame.expect = 'colon';
  }

  private primitive(token: ParsedTokenInfo): void {
    this.expectValue(token);

    const parent = this.stack.at(-1);
    if (
      parent !== undefined &&
      this.stack.length === this.path.members.length &&
      this.leadsOn(parent, this.stack.length)
    ) {
      this.found = true;
    }
    this.place(token.value);
  }

  private place(value: unknown): void {
    const frame = this.stack.at(-1);
    if (frame === undefined) {
      this.root = value;
      this.done = true;
      return;
    }

    frame.expect = 'comma';
    if (frame.role === 'records') {
      // TODO(#4): skipped non-object elements are not counted or quarantined yet.
      if (isRecord(value)) this.onRecord(value);
    } else if (Array.isArray(frame.container)) {
      frame.container.push(value);
    } else {
      setMember(frame.container, frame.key, value);
    }
  }

  private expectValue(token: ParsedTokenInfo): void {
    const frame = this.stack.at(-1);
    const allowed =
      frame === undefined
        ? !this.done
        : frame.expect === 'value' || (frame.expect === 'first' && Array.isArray(frame.container));
    if (!allowed) throw unexpected(token);
  }

  private advance(from: Expect, to: Expect, token: ParsedTokenInfo): void {
    const frame = this.stack.at(-1);
    if (frame?.expect !== from) throw unexpected(token);
    frame.expect = to;
  }
}

/** Like JSON.parse, a `__proto__` key becomes an own member rather than a prototype. */
function setMember(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    target[key] = value;
  }
}

function isRecord(value: unknown): value is FlowRecord {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function unexpected(token: ParsedTokenInfo): JsonShapeError {
  const shown =
    typeof token.value === 'string' && token.token === TokenType.STRING
      ? JSON.stringify(token.value).slice(0, 40)
      : String(token.value);
  return new JsonShapeError(`unexpected ${shown} at byte ${token.offset}`);
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  return `a ${typeof value === 'bigint' ? 'number' : typeof value}`;
}

function pathText(path: RecordsPath): string {
  return `$${path.members.map((member) => `.${member}`).join('')}${path.each ? '[*]' : ''}`;
}
