/**
 * A catalogue of wrong arguments for the bad-input tables: every JS type, the
 * awkward numbers, and look-alikes of the right type (a String object for a
 * string, a Uint16Array for bytes). A parameter's list is assembled from
 * these groups minus whatever is valid for it.
 */

/** A wrong value, and the error code it must produce when not the table's default. */
export type Wrong = readonly [label: string, value: unknown, code?: string];

export const NUMBERS: readonly Wrong[] = [
  ['0', 0], ['42', 42], ['-1', -1], ['1.5', 1.5], ['NaN', Number.NaN], ['Infinity', Infinity], ['-Infinity', -Infinity],
  ['2^53', 2 ** 53],
];
export const BIGINT: Wrong = ['1n', 1n];
export const BOOLEANS: readonly Wrong[] = [['true', true], ['false', false]];
export const NULL: Wrong = ['null', null];
export const UNDEFINED: Wrong = ['undefined', undefined];
export const SYMBOL: Wrong = ['symbol', Symbol('wrong')];
export const OBJECTS: readonly Wrong[] = [
  ['{}', {}], ['Date', new Date(0)], ['Map', new Map()], ['String object', new String('a')], ['null-prototype object', Object.create(null)],
];
export const ARRAYS: readonly Wrong[] = [['[]', []], ['["a"]', ['a']], ['[1]', [1]]];
export const FUNCTIONS: readonly Wrong[] = [['function', () => 'a'], ['class', class {}]];
export const STRINGS: readonly Wrong[] = [['""', ''], ['"a"', 'a'], ['"42"', '42']];
export const BYTE_LOOKALIKES: readonly Wrong[] = [
  ['Uint16Array', new Uint16Array(2)], ['DataView', new DataView(new ArrayBuffer(2))], ['ArrayBuffer', new ArrayBuffer(2)],
];

/** Every value that is not a string (every group above but STRINGS). */
export const NOT_STRING: readonly Wrong[] = [
  ...NUMBERS, BIGINT, ...BOOLEANS, NULL, UNDEFINED, SYMBOL, ...OBJECTS, ...ARRAYS, ...FUNCTIONS, ...BYTE_LOOKALIKES,
];

/** Every value that is neither a string nor a Uint8Array. */
export const NOT_BYTES: readonly Wrong[] = NOT_STRING;

/** Every value that is not an options object (undefined excluded: it means "no options"). */
export const NOT_OPTIONS: readonly Wrong[] = [
  ...NUMBERS, BIGINT, ...BOOLEANS, NULL, SYMBOL, ...STRINGS, ...ARRAYS, ...FUNCTIONS,
];

/** Every value that is not a non-negative safe integer. */
export const NOT_COUNT: readonly Wrong[] = [
  ...NUMBERS.filter(([l]) => l !== '0' && l !== '42'), BIGINT, ...BOOLEANS, NULL, UNDEFINED, SYMBOL, ['"1"', '1'],
  ...OBJECTS, ...ARRAYS, ...FUNCTIONS,
];

/** Every value that is not a function. */
export const NOT_FUNCTION: readonly Wrong[] = [
  ...NUMBERS, BIGINT, ...BOOLEANS, NULL, UNDEFINED, SYMBOL, ...STRINGS, ...OBJECTS, ...ARRAYS,
];

/** `list` without the entries whose label is in `labels` (values that are valid for this parameter). */
export function except(list: readonly Wrong[], ...labels: string[]): Wrong[] {
  return list.filter(([l]) => !labels.includes(l));
}

/** `list` with `value` replaced by `{ [field]: value }`: wrong option fields, labelled by field. */
export function asField(field: string, list: readonly Wrong[]): Wrong[] {
  return list.map(([l, v, code]) => (code === undefined ? [`{ ${field}: ${l} }`, { [field]: v }] : [`{ ${field}: ${l} }`, { [field]: v }, code]));
}
