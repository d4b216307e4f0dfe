/**
 * `GroupCommit`: the `sync()` callers of one WAL segment waiting for their
 * bytes to be durable, and the rounds that serve them.
 *
 * A caller joins the current group with the file position its bytes end at.
 * One round (`WalTail.syncRound`) writes everything appended so far, then runs
 * one fdatasync; the tail then reports how far the file is durable, and every
 * waiter whose bytes were in the OS before that fdatasync started is resolved.
 * Callers arriving while an fdatasync runs are served by the next round, so
 * any number of concurrent callers share one fdatasync per round. A failed
 * round rejects every waiter (their bytes stay pending; calling again retries).
 */

import { HoltError } from '../errors.js';
import { toHoltIoError } from './wal-errors.js';

interface Waiter {
  target: number;
  resolve: () => void;
  reject: (e: HoltError) => void;
}

export class GroupCommit {
  readonly #path: string;
  /** Runs one round: write everything appended, one fdatasync. */
  readonly #round: () => Promise<void>;
  #waiters: Waiter[] = [];
  #roundRunning = false;
  /** `sync()` calls resolved by an fdatasync, in total. */
  #served = 0;
  /** Most waiters one fdatasync resolved. */
  #maxPerSync = 0;

  constructor(path: string, round: () => Promise<void>) {
    this.#path = path;
    this.#round = round;
  }

  /** Resolves once the file is durable up to `target` (a position past the last durable byte). */
  join(target: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#waiters.push({ target, resolve, reject });
      if (!this.#roundRunning) {
        this.#roundRunning = true;
        // Start on a microtask so every caller in this tick joins the first round.
        queueMicrotask(() => void this.#runRounds());
      }
    });
  }

  /** The file is durable up to `syncedEnd`: resolve every waiter that asked for no more. */
  serve(syncedEnd: number): void {
    let served = 0;
    const kept: Waiter[] = [];
    for (const w of this.#waiters) {
      if (w.target <= syncedEnd) {
        served++;
        w.resolve();
      } else {
        kept.push(w);
      }
    }
    this.#waiters = kept;
    this.#served += served;
    if (served > this.#maxPerSync) this.#maxPerSync = served;
  }

  /** Rejects every waiter (the writer closed under them). */
  rejectAll(err: HoltError): void {
    for (const w of this.#waiters.splice(0)) w.reject(err);
  }

  counters(): { syncWaitersServed: number; maxWaitersPerSync: number } {
    return { syncWaitersServed: this.#served, maxWaitersPerSync: this.#maxPerSync };
  }

  async #runRounds(): Promise<void> {
    try {
      while (this.#waiters.length > 0) await this.#round();
    } catch (e) {
      this.rejectAll(e instanceof HoltError ? e : toHoltIoError(e, this.#path));
    } finally {
      this.#roundRunning = false;
    }
  }
}
