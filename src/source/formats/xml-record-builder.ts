import type { FlowRecord } from '../../destinations/destination.js';

interface Element {
  name: string;
  fields: Record<string, unknown>;
  text: string;
  hasFields: boolean;
  /** Inside a record: its content is kept. */
  capture: boolean;
  /** The element is the record itself. */
  isRecord: boolean;
  /** The element sits on the way to the records (or is one). */
  onPath: boolean;
}

/** Names the text of an element that also has attributes or child elements. */
export const TEXT_FIELD = '#text';

/**
 * Turns SAX events into records: each element at `path` becomes one record; inside it, attributes
 * become fields named `prefix + name`, child elements become fields (a repeated child becomes an
 * array, a child with attributes or children an object, a plain child its text), and text next to
 * fields goes to `#text`. Elements outside the records are not kept, so memory follows one record.
 */
export class XmlRecordBuilder {
  private readonly stack: Element[] = [];
  /** Whether any element matched the path. */
  matched = false;

  constructor(
    private readonly path: readonly string[],
    private readonly attributePrefix: string,
    private readonly onRecord: (record: FlowRecord) => void,
  ) {}

  open(name: string, attributes: Readonly<Record<string, string>>): void {
    const parent = this.stack.at(-1);
    const depth = this.stack.length + 1;
    const expected = this.path[depth - 1];
    const onPath =
      (parent?.onPath ?? true) &&
      depth <= this.path.length &&
      (expected === '*' || expected === name);
    const isRecord = onPath && depth === this.path.length;
    const capture = isRecord || parent?.capture === true;
    if (isRecord) this.matched = true;

    const element: Element = {
      name,
      fields: {},
      text: '',
      hasFields: false,
      capture,
      isRecord,
      onPath,
    };
    if (capture) {
      for (const [key, value] of Object.entries(attributes))
        addField(element, this.attributePrefix + key, value);
    }
    this.stack.push(element);
  }

  text(text: string): void {
    const element = this.stack.at(-1);
    if (element?.capture === true) element.text += text;
  }

  close(): void {
    const element = this.stack.pop();
    if (element === undefined || !element.capture) return;

    if (element.isRecord) {
      this.onRecord(toRecord(element));
      return;
    }

    const parent = this.stack.at(-1);
    if (parent !== undefined) addField(parent, element.name, toValue(element));
  }
}

function toValue(element: Element): unknown {
  return element.hasFields ? toRecord(element) : element.text;
}

function toRecord(element: Element): FlowRecord {
  const text = element.text.trim();
  if (text !== '') addField(element, TEXT_FIELD, element.hasFields ? text : element.text);
  return element.fields;
}

/**
 * A name seen twice in one element (a repeated child) collects its values in an array; a value
 * built from XML is never an array itself, so an array here is always such a collection.
 */
function addField(element: Element, name: string, value: unknown): void {
  element.hasFields = true;
  const fields = element.fields;
  const existing = fields[name];

  if (!Object.hasOwn(fields, name)) {
    Object.defineProperty(fields, name, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else if (Array.isArray(existing)) {
    existing.push(value);
  } else {
    fields[name] = [existing, value];
  }
}
