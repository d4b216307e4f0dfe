// The planted bugs of the mutation check: one (or two) per checked production
// module, each a small edit of the compiled JavaScript (`from` -> `to`, every
// occurrence; `count` says how many there must be), and the checkers expected
// to catch it. mutation.mjs applies each to a fresh build and fails unless a
// listed checker fails. When a module is rewritten and a pattern no longer
// matches, the mutation check fails too: update the pattern here.
export const MUTANTS = [
  // ---- layout ----
  { id: 'shrink-threshold', module: 'layout/inner-nodes.js', bug: 'Node16 shrinks at 4 children, its Node4 target\'s capacity (oscillates)',
    from: 'export const SHRINK_16_TO_4 = 3;', to: 'export const SHRINK_16_TO_4 = 4;', checks: ['node-shapes', 'smt-hysteresis'] },
  { id: 'shrink-off-by-one', module: 'layout/inner-nodes.js', bug: 'shrinkTarget: Node48 shrinks only below 12, not at 12',
    from: 'count <= SHRINK_48_TO_16', to: 'count < SHRINK_48_TO_16', checks: ['node-shapes', 'smt-hysteresis'] },
  { id: 'leaf-size', module: 'layout/leaf.js', bug: 'leafSize rounds one byte short: a body can be smaller than its payload',
    from: 'return align8(LEAF_HEADER_SIZE + keyLen + valueLen);', to: 'return align8(LEAF_HEADER_SIZE + keyLen + valueLen - 1);', checks: ['layout', 'node-shapes'] },
  { id: 'prefix-size', module: 'layout/prefix.js', bug: 'prefixSize rounds one byte short',
    from: 'return align8(PREFIX_BYTES + len);', to: 'return align8(PREFIX_BYTES + len - 1);', checks: ['layout', 'node-shapes'] },
  { id: 'child-ref', module: 'layout/child-ref.js', bug: 'decodeRef is off by one body',
    from: 'return (ref + REF_BIAS) << 3;', to: 'return (ref + REF_BIAS + 1) << 3;', checks: ['layout'] },
  { id: 'dead-bytes', module: 'layout/frame.js', bug: 'freeing a variable-size body undercounts dead bytes',
    from: 'this.deadBytes + size;', to: 'this.deadBytes + size - 8;', checks: ['node-shapes', 'frame-shapes'] },
  // ---- art ----
  { id: 'grow-late', module: 'art/inner-node.js', bug: 'a full Node4/Node16 takes one more child instead of growing',
    from: 'if (count >= cap)', to: 'if (count > cap)', checks: ['node-shapes'] },
  { id: 'collapse-terminal', module: 'art/erase.js', bug: 'a one-child node collapses even when it holds a terminal leaf',
    from: 'if (count === 1 && !hasTerminal) {', to: 'if (count === 1) {', checks: ['node-shapes'] },
  { id: 'split-prefix', module: 'art/insert.js', bug: 'a leaf split drops the first shared byte from the new Prefix chain',
    from: 'makePrefixChain(f, key, depth, m, n4)', to: 'makePrefixChain(f, key, depth + 1, m, n4)', checks: ['node-shapes'] },
  { id: 'rollup-length', module: 'art/scan.js', bug: 'a rollup found at a leaf stops before its delimiter',
    from: 'return this.emitRollup(at + 1 - ks, f, ks);', to: 'return this.emitRollup(at - ks, f, ks);', checks: ['rollup'] },
  { id: 'seek-prefix', module: 'art/seek-prefix.js', bug: 'a prefix equal to a whole key is taken for absent',
    from: 'if (n < len)', to: 'if (n <= len)', checks: ['prefix-liveness'] },
  { id: 'copy-terminal', module: 'art/copy-subtree.js', bug: 'copying a subtree (compaction, spill, merge) drops terminal leaves',
    from: 'if (hasRef(src, off + INNER_TERMINAL)) {', to: 'if (false) {', checks: ['node-shapes', 'frame-shapes'] },
  { id: 'spill-root', module: 'art/spillover.js', bug: 'a packed spill points every Crossing at root 0',
    from: 'targets.set(v.off, { childFrameId: child.id, root });', to: 'targets.set(v.off, { childFrameId: child.id, root: 0 });', checks: ['frame-shapes'] },
  { id: 'spill-copy', module: 'art/compact.js', bug: 'compaction ignores the substitution: a spilled subtree stays behind as well',
    from: 'copySubtree(f, f.rootAt(i), s, substitute)', to: 'copySubtree(f, f.rootAt(i), s)', checks: ['frame-shapes'] },
  { id: 'merge-crossings', module: 'art/merge.js', bug: 'a merge forgets to count the removed Crossing',
    from: 'parent.addCrossings(-1);', to: '', checks: ['frame-shapes'] },
  { id: 'routed-straddle', module: 'art/routed-image.js', bug: 'a routed image lets leaves straddle pages while flagging them aligned',
    from: 'if (size <= LAYOUT_PAGE ? inPage + size > LAYOUT_PAGE : inPage !== 0)', to: 'if (false)', checks: ['routed-layout'] },
  { id: 'routed-end', module: 'art/routed-image.js', bug: 'a routed image records its routing region one body short',
    from: 'const routingEnd = DATA_START + innerBytes;', to: 'const routingEnd = DATA_START + innerBytes - 8;', checks: ['routed-layout'] },
  // ---- api ----
  { id: 'empty-prefix', module: 'api/tree.js', bug: 'isPrefixEmpty of the empty prefix says empty for a one-key tree',
    from: 'return this.state.core.keyCount === 0;', to: 'return this.state.core.keyCount <= 1;', checks: ['prefix-liveness'] },
  // ---- checksum and WAL ----
  { id: 'crc-skip-byte', module: 'wal/record-codec.js', bug: 'the record CRC skips the last body byte (encoder and decoder alike)',
    from: 'crc32c(b, start, p)', to: 'crc32c(b, start, p - 1)', count: 2, also: [{ from: 'crc32c(b, p, bodyEnd)', to: 'crc32c(b, p, bodyEnd - 1)' }], checks: ['wal-framing'] },
  { id: 'crc-table', module: 'checksum/crc32c.js', bug: 'the slicing-by-8 loop ignores the 8th byte of every block',
    from: 't[bytes[i + 7]]', to: 't[0]', checks: ['smt-crc', 'wal-framing'] },
  { id: 'crc-poly', module: 'checksum/crc32c.js', bug: 'a polynomial without its x^0 term (still detects most errors, not all)',
    from: 'const POLY = 0x82f63b78;', to: 'const POLY = 0x02f63b78;', checks: ['smt-crc'] },
  { id: 'reader-bad-crc', module: 'wal/wal-reader.js', bug: 'the reader replays a record that fails its checksum',
    from: 'if (!rec.ok) {', to: "if (!rec.ok && rec.defect !== 'bad checksum') {", checks: ['wal-framing'] },
  { id: 'u64-cutoff', module: 'wal/le-bytes.js', bug: 'getU64 accepts high words up to 2^22: values past 2^53 lose precision',
    from: 'const MAX_SAFE_HIGH = 0x200000;', to: 'const MAX_SAFE_HIGH = 0x400000;', checks: ['smt-versions'] },
  { id: 'writer-next-seq', module: 'wal/wal-writer.js', bug: 'a new segment hands out its base version again',
    from: 'this.#nextSeq = baseSeq + 1;', to: 'this.#nextSeq = baseSeq;', checks: ['versions'] },
  // ---- db ----
  { id: 'checkpoint-high-water', module: 'checkpoint/checkpoint-round.js', bug: 'a checkpoint records a version high-water mark one too low',
    from: 'const highWater = segments.current.nextSeq - 1;', to: 'const highWater = segments.current.nextSeq - 2;', checks: ['versions'] },
  { id: 'catalog-next-id', module: 'db/catalog-state.js', bug: 'create does not advance the next tree id',
    from: 'nextId: allocation.nextId', to: 'nextId: state.nextId', checks: ['catalog'] },
  { id: 'tree-id-skip', module: 'db/tree-ids.js', bug: 'tree id allocation hands out the reserved catalog id',
    from: 'return next === CATALOG_TREE_ID ? next + 1 : next;', to: 'return next;', checks: ['catalog'] },
];
