import { Tokenizer } from '@streamparser/json';

const INTEGER = /^-?\d+$/;

/**
 * The streaming JSON tokenizer, with integers beyond Number.MAX_SAFE_INTEGER kept exact as bigint
 * (ids of 64-bit databases); every other number is a plain number, as JSON.parse gives it.
 */
export class ExactNumberTokenizer extends Tokenizer {
  protected override parseNumber(text: string): number {
    const value = Number(text);
    if (Number.isSafeInteger(value) || !INTEGER.test(text)) return value;

    // The base class types a number token as number; a bigint passes through it untouched.
    return BigInt(text) as unknown as number;
  }
}
