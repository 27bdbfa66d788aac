#pragma once
// What a scenario run prints on the console besides its progress lines: each verdict (a pass on one line, a
// failure with its message and the last lines of its details), every event under --verbose, and the closing
// "NAME: passed in 12.3 s". All text from services and files goes through report/console_text.h first.
#include <chrono>
#include <iosfwd>
#include <string>
#include <string_view>

#include "harness/check/verdict.h"
#include "harness/history/event.h"
#include "harness/report/scenario_report.h"

namespace harness::report {

// "  PASS  name"; otherwise its message and, for a failure or an error, the last 10 lines of its details
// (a command's output, the last probe outputs), so that the reason is on the screen; each indented 8 spaces.
void print_verdict(std::ostream& out, const check::Verdict& verdict);

// "  [12.345] service.exited worker.1 {...}": one event as --verbose prints it.
void print_event(std::ostream& out, const history::Event& event);

// "NAME: RESULT in 12.3 s", RESULT as given ("passed", "FAILED", "ERROR", "CANCELLED"); the duration as
// util::human_duration writes it ("14 min 2 s").
void print_scenario_result(std::ostream& out, std::string_view name, std::string_view result,
                           std::chrono::milliseconds duration);

// How a scenario ended, as the closing totals count it: skipped (never started: the run was interrupted first),
// error (an infrastructure error, or an <error> verdict such as an interruption), failed (a failed check or step),
// passed (the rest, expected failures of `expect: fail` included).
enum class ScenarioClass { k_passed, k_failed, k_error, k_skipped };
ScenarioClass classify(const ScenarioReport& scenario);

// "[3/27] smoke: passed in 6.3 s": the one line per scenario of --quiet (FAILED, ERROR, SKIPPED otherwise).
std::string quiet_line(std::string_view position, const ScenarioReport& scenario);

// "  FLAKY name: passed in 1 of 2 repeats (50%)" for each flaky check of a repeated scenario (report/repeats.h).
void print_flaky(std::ostream& out, const ScenarioReport& scenario);

// "25 passed, 1 failed, 1 error, 0 skipped in 14 min 2 s": the run's closing line, counting scenarios; a failed
// scenario with a flaky check also counts in "2 failed (1 flaky)".
std::string totals_line(const std::vector<ScenarioReport>& scenarios, std::chrono::nanoseconds elapsed);

}  // namespace harness::report
