'use strict';

/**
 * Ends the run with the plain line `N passed, N failed`, which CI reads. A test file that
 * could not run at all counts as a failure.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.stderr.write(`\n${results.numPassedTests} passed, ${failed} failed\n`);
  }
}

module.exports = SummaryReporter;
