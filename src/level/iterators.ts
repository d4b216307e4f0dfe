/**
 * HoltLevel's entry, key and value iterators: abstract-level's three iterator classes,
 * each reading a RangeCursor through the same methods.
 *
 * Holt reads are synchronous, so every step completes before its promise is returned:
 * `nextv()` and `all()` fill their arrays in one go, with no read-ahead buffer that could
 * go stale, and `seek()` only moves the cursor.
 */
import { AbstractIterator, AbstractKeyIterator, AbstractValueIterator } from 'abstract-level';
import { copyBytes, type CursorEntry, type LevelBytes } from './bytes.js';
import type { RangeCursor } from './range-cursor.js';

/** A cursor and what to do once the iterator closes with it. */
export interface CursorSource {
  cursor: RangeCursor;
  release(): void;
}

/** Turns a cursor entry into what the iterator yields: an entry, a key or a value, in the asked formats. */
export type Project = (entry: CursorEntry) => unknown;

// The three abstract-level classes share this constructor shape and these getters.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type IteratorClass = new (...args: any[]) => { readonly count: number; readonly limit: number };

/** Adds abstract-level's private iterator methods, reading a cursor, to one of its iterator classes. */
function readingCursor<Base extends IteratorClass>(base: Base) {
  return class extends base {
    /** @internal */
    source!: CursorSource;
    /** @internal */
    project!: Project;

    /**
     * @internal Set what the iterator reads, right after construction (a mixin's
     * constructor can only forward its base's arguments).
     */
    read(source: CursorSource, project: Project): this {
      this.source = source;
      this.project = project;
      return this;
    }

    /** @internal */
    async _next(): Promise<unknown> {
      const entry = this.source.cursor.next();
      return entry === undefined ? undefined : this.project(entry);
    }

    /** @internal */
    async _nextv(size: number): Promise<unknown[]> {
      return this.take(size);
    }

    /** @internal `limit` is Infinity without a limit; abstract-level counts what was yielded. */
    async _all(): Promise<unknown[]> {
      return this.take(this.limit - this.count);
    }

    /** @internal */
    _seek(target: LevelBytes): void {
      this.source.cursor.seek(copyBytes(target));
    }

    /** @internal */
    async _close(): Promise<void> {
      this.source.release();
    }

    /** @internal Up to `size` projected entries. */
    take(size: number): unknown[] {
      const out: unknown[] = [];
      const { cursor } = this.source;
      while (out.length < size) {
        const entry = cursor.next();
        if (entry === undefined) break;
        out.push(this.project(entry));
      }
      return out;
    }
  };
}

/** `db.iterator()`: [key, value] entries. */
export const HoltIterator = readingCursor(AbstractIterator);
/** `db.keys()`. */
export const HoltKeyIterator = readingCursor(AbstractKeyIterator);
/** `db.values()`. */
export const HoltValueIterator = readingCursor(AbstractValueIterator);
