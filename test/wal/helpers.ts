import { loadIo } from '../../src/io/index.js';
import type { Io } from '../../src/io/types.js';

export const io: Io = loadIo({ prefer: 'fs' });

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
