// Reader process for live-readers-processes.test.ts.
//
//   node live-reader-child.mjs DIST_INDEX_URL DIR DURATION_MS
//
// Opens read-only beside the writer and refreshes in a loop; every state it
// sees must be one the writer committed: the accounts add up, the step never
// goes back, and a scan agrees with count(). Prints "ok <refreshes> <last step>"
// at the end, or "BAD <why>" and exits 1.
const [distUrl, dir, durationArg] = process.argv.slice(2);
const { DB } = await import(distUrl);
const ACCOUNTS = 20;
const TOTAL = 2 * ACCOUNTS * 100;

const db = DB.open(dir, { readOnly: true, cacheMB: 2 });
const deadline = Date.now() + Number(durationArg);
let refreshes = 0;
let lastStep = -1;
const bad = (why) => { process.stdout.write(`BAD ${why}\n`); process.exit(1); };
while (Date.now() < deadline) {
  db.refresh();
  refreshes++;
  let sum = 0;
  for (const name of ['acct-a', 'acct-b']) {
    const t = db.openTree(name);
    let n = 0;
    for (const e of t.scan({ prefix: 'acct/' })) { sum += Number(e.value.toString()); n++; }
    if (n !== ACCOUNTS) bad(`${name} has ${n} accounts`);
  }
  if (sum !== TOTAL) bad(`accounts add up to ${sum}, not ${TOTAL}, at refresh ${refreshes}`);
  const step = Number(db.openTree('meta').get('step').toString());
  if (step < lastStep) bad(`step went back from ${lastStep} to ${step}`);
  lastStep = step;
  const noise = db.openTree('noise');
  let scanned = 0;
  for (const e of noise.scan({ keysOnly: true })) if (e.kind === 'key') scanned++;
  if (scanned !== noise.count()) bad(`noise: scan ${scanned} vs count ${noise.count()}`);
  await new Promise((r) => setTimeout(r, 20));
}
process.stdout.write(`ok ${refreshes} ${lastStep}\n`);
await db.close();
