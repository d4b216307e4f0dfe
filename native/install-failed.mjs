// npm's install script runs `node-gyp-build || node native/install-failed.mjs`:
// this runs only when there was neither a prebuild for this platform nor a
// working compiler. The install must not fail for that (the engine runs on its
// node:fs layer, src/io/fs-io.ts), so this says what the user gets and exits 0.
console.warn(`holt: no prebuilt holt_io addon matches ${process.platform}-${process.arch} and building it from source failed (see above).
holt: installed anyway: it will run on node:fs, without aligned I/O (O_DIRECT) or io_uring, and say so once at run time.
holt: for the addon, install a C++ compiler, make and Python 3, then run \`npm rebuild holt\` (native/README.md).`);
