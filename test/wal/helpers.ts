import { loadIo } from '../../src/io/index.js';
import type { Io } from '../../src/io/types.js';
import { injectIoFaults } from '../support/fault-io.js';

export const io: Io = loadIo({ prefer: 'fs' });

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Which FileHandle calls fail, and with which errno, while set. */
export type Faults = Partial<Record<'pwrite' | 'pwriteAsync' | 'fdatasync' | 'fdatasyncAsync', string>>;

/**
 * An Io whose handles throw an IoError for the methods named in `faults`
 * (we cannot fill a real disk in a test). Change `faults` at any time.
 */
export function faultyIo(base: Io, faults: Faults): Io {
  return injectIoFaults(base, (call) => faults[call as keyof Faults]);
}
