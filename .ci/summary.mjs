// Prints "N passed, N failed" from vitest's JSON report (the line CI reads).
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? '.ci/test-results.json';
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (e) {
  console.log(`0 passed, 1 failed (no test report: ${e.message})`);
  process.exit(1);
}
const passed = report.numPassedTests ?? 0;
// A file that fails to load has no failed tests but is a failed suite: count it once.
const failed = (report.numFailedTests ?? 0) || (report.numFailedTestSuites ?? 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || report.success === false ? 1 : 0);
