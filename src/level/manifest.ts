/**
 * HoltLevel's `db.supports` manifest: what abstract-level's test suite enables and what
 * Level plugins check before they rely on a feature. Each flag states a fact about the
 * implementation; the suite runs every test the manifest turns on.
 */

/** Where the database lives, which decides the flags that depend on a directory. */
export interface ManifestContext {
  /** Data survives the process (a file database). */
  permanent: boolean;
  /** HoltLevel opens the directory itself, so createIfMissing / errorIfExists apply. */
  ownsDirectory: boolean;
}

export function holtLevelManifest(context: ManifestContext) {
  return {
    // The private API takes and returns UTF-8 strings and Buffers, like classic-level;
    // abstract-level transcodes every other encoding (view, json, ...) to one of them.
    encodings: { buffer: true, utf8: true },
    // Every iterator reads from a snapshot taken synchronously when it is created: writes
    // after that are recorded for it (SnapshotOverlay) instead of seen. get/getMany/has
    // read synchronously, so they see exactly the writes that came before the call.
    implicitSnapshots: true,
    // db.snapshot(), and the `snapshot` option of get/getSync/getMany/has/hasMany/iterators/clear.
    explicitSnapshots: true,
    has: true,
    getSync: true,
    seek: true,
    deferredOpen: true,
    permanence: context.permanent,
    createIfMissing: context.ownsDirectory,
    errorIfExists: context.ownsDirectory,
    // Not declared: signals.iterators. A read completes synchronously before its promise
    // is returned, so there is never a read in progress for an AbortSignal to interrupt
    // (an aborted signal is still honoured before a call, by abstract-level itself).
    // Not declared: streams (use level-read-stream, which works on any abstract-level db).
  };
}
