// The model side of the tree checks: what the tree should hold, and the
// comparison with what the walker read from the frames. Values are a pattern
// derived from a seed, so a value moved to the wrong leaf, cut short or
// shifted inside its body does not compare equal.

/** `size` bytes of the pattern for `seed`. */
export function patternValue(size, seed) {
  const v = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) v[i] = (seed * 131 + i * 7 + (i >>> 8)) & 0xff;
  return v;
}

function valueMatches(actual, size, seed) {
  if (actual.length !== size) return false;
  // Every byte of short values; a stride plus both ends of long ones (the
  // pattern changes every byte, so a shift shows up at any sampled position).
  const step = size <= 4096 ? 1 : 61;
  for (let i = 0; i < size; i += step) if (actual[i] !== ((seed * 131 + i * 7 + (i >>> 8)) & 0xff)) return false;
  for (let i = Math.max(0, size - 16); i < size; i++) if (actual[i] !== ((seed * 131 + i * 7 + (i >>> 8)) & 0xff)) return false;
  return true;
}

/**
 * `leaves` (walker output, key order) must be exactly `model`: a Map from key
 * (latin1 string) to { size, seed, version }. Nothing lost, nothing extra,
 * nothing twice, every value and version as written.
 */
export function checkContents(report, leaves, model, where) {
  report.check(leaves.length === model.size, () => `${where}: the tree holds ${leaves.length} keys, the model ${model.size}`);
  for (const leaf of leaves) {
    const k = leaf.key.toString('latin1');
    const m = model.get(k);
    if (!report.check(m !== undefined, () => `${where}: key ${JSON.stringify(k)} is in the tree but not in the model`)) continue;
    report.check(valueMatches(leaf.value, m.size, m.seed), () => `${where}: key ${JSON.stringify(k)} has the wrong value`);
    if (m.version !== undefined) report.check(leaf.version === m.version, () => `${where}: key ${JSON.stringify(k)} version ${leaf.version}, expected ${m.version}`);
  }
}
