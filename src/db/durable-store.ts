// Work in progress: file-backed storage (see the durability issue).
import { HoltError } from '../api/errors.js';
import type { DBOptions } from '../api/options.js';
import type { FramePager } from '../store/frame-pager.js';
import type { WalOp } from '../wal/wal-op.js';
import type { CatalogState } from './catalog-state.js';

export class DurableStore {
  readonly pager!: FramePager;
  static open(_dir: string, _options: DBOptions): DurableStore { throw new HoltError('INTERNAL', 'file-backed DB not built yet'); }
  load(_db: unknown): void {}
  abandon(): void {}
  logCatalogCreate(_name: string, _id: number, _state: CatalogState): void {}
  logCatalogDrop(_name: string, _id: number, _state: CatalogState): void {}
  append(_op: WalOp): number { return 0; }
  checkWritable(): void {}
  afterWrite(): void {}
  async sync(): Promise<void> {}
  async checkpoint(_db: unknown): Promise<void> {}
  async close(_db: unknown): Promise<void> {}
  stats(): Record<string, unknown> { return {}; }
}
