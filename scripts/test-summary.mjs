// Prints vitest's JSON report as one plain closing line, `tests: N passed, N failed, N skipped`
// (the label before the colon is the second argument, `tests` by default), and exits non-zero when
// a test failed or none ran.
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const passed = report.numPassedTests;
const failed = report.numFailedTests;
const skipped = report.numPendingTests + report.numTodoTests;
const label = process.argv[3] ?? 'tests';
console.log(`${label}: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
