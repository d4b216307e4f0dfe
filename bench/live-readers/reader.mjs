// Reader process of the live-readers bench (run.mjs).
//
//   node reader.mjs DIST_INDEX_URL DIR PAUSE_MS
//
// Opens the directory read-only beside the writer and, until stdin closes,
// refreshes, checks what it sees (the accounts add up, the step never goes
// back, a listing of one directory agrees with gets of its keys), then
// pauses PAUSE_MS. Prints "ok <refreshes> <cpu ms> <catch-ups> <reloads>" or "BAD <why>".
const [distUrl, dir, pauseArg] = process.argv.slice(2);
const { DB } = await import(distUrl);
const ACCOUNTS = 20;
const pause = Number(pauseArg);
const db = DB.open(dir, { readOnly: true });
let stop = false;
process.stdin.on('data', () => {});
process.stdin.on('end', () => { stop = true; });
let refreshes = 0;
const cpuAtStart = process.cpuUsage();
let lastStep = -1;
let dirIndex = 0;
const bad = (why) => { process.stdout.write(`BAD ${why}\n`); process.exit(1); };
while (!stop) {
  db.refresh();
  refreshes++;
  let sum = 0;
  for (const name of ['acct-a', 'acct-b']) {
    for (const e of db.openTree(name).scan({ prefix: 'acct/' })) sum += Number(e.value.toString());
  }
  if (sum !== 2 * ACCOUNTS * 100) bad(`accounts add up to ${sum}`);
  const step = Number(db.openTree('meta').get('step').toString());
  if (step < lastStep) bad(`step went back from ${lastStep} to ${step}`);
  lastStep = step;
  const objects = db.openTree('objects');
  const prefix = `tenant-${dirIndex % 16}/dir-${dirIndex % 97}/`;
  dirIndex++;
  for (const e of objects.scan({ prefix, limit: 100 })) {
    if (objects.getVersion(e.key) !== e.version) bad(`${e.key} listed at version ${e.version}, got ${objects.getVersion(e.key)}`);
  }
  await new Promise((r) => setTimeout(r, pause));
}
const cpu = process.cpuUsage(cpuAtStart);
const r = db.stats().durable.readers;
process.stdout.write(`ok ${refreshes} ${((cpu.user + cpu.system) / 1000).toFixed(0)} ${r.catchUps} ${r.reloads}\n`);
await db.close();
