/**
 * Turns an I/O failure into the HoltError callers see: ENOSPC and EDQUOT are
 * NO_SPACE (the caller can free space and retry), everything else IO_ERROR.
 */

import { HoltError } from '../errors.js';

export function toHoltIoError(e: unknown, file: string, what = 'WAL I/O failed'): HoltError {
  if (e instanceof HoltError) return e;
  const code = typeof (e as { code?: unknown })?.code === 'string' ? ((e as { code: string }).code) : undefined;
  const message = e instanceof Error ? e.message : String(e);
  const holtCode = code === 'ENOSPC' || code === 'EDQUOT' ? 'NO_SPACE' : 'IO_ERROR';
  return new HoltError(holtCode, `${what} on ${file}: ${message}`, {
    file,
    cause: e,
    ...(code !== undefined ? { errno: code } : {}),
  });
}
