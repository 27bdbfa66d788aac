#pragma once
// `--repeat N`: a scenario run N times, each with fresh services, reported as one scenario whose checks say how
// they fared over the repeats. A check that passed in some repeats and failed in others is **flaky**: its testcase
// fails (a flaky check is a bug to find, not a pass), with its pass rate in the message, in a testcase property and
// in <system-out> (junit_writer.h), and in summary.json.
#include <string>
#include <vector>

#include "harness/report/scenario_report.h"

namespace harness::report {

// One report for the repeats of one scenario (in the order they ran; REQUIRES: not empty). A single report is
// returned as it is. Repeats that never started (an interrupted run) are left out when at least one ran.
// Checks are matched by name, in order of first appearance. Each check's outcome over the repeats:
//  - the same in every repeat: that verdict (its first), durations summed;
//  - passed in some and failed in the others: flaky, k_failed, "flaky: passed in 1 of 2 repeats (50%); repeat 2:
//    <the first failure's message>", details one line per repeat;
//  - any other mix: the worst outcome (error, failed, skipped, passed), its message prefixed "repeat K: ".
// The report: the first repeat's header and seed, durations summed, the last repeat's logs, the first error
// ("repeat 2 of 3: ..."), properties `repeats` and `seeds` ("7 8 9").
ScenarioReport aggregate_repeats(const std::vector<ScenarioReport>& repeats);

// "passed in 1 of 2 repeats (50%)"
std::string pass_rate_text(const RepeatStats& stats);

}  // namespace harness::report
