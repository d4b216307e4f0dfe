export { HoltError, isHoltError } from './api/errors.js';
export type { HoltErrorCode } from './api/errors.js';
