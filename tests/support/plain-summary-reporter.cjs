/**
 * Prints jest's totals as one plain line, `N passed, N failed, N skipped`, after jest's own
 * summary, so CI can read the outcome of a run without knowing jest's format.
 */
class PlainSummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.stdout.write(`\n${results.numPassedTests} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}

module.exports = PlainSummaryReporter;
