'use strict';

/**
 * Ends the run with the plain line `N passed, N failed` (", N skipped" when some were), which
 * CI reads. A test file that could not run at all counts as a failure.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
    process.stderr.write(`\n${line}\n`);
  }
}

module.exports = SummaryReporter;
