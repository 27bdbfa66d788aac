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

namespace harness::report {

// "  PASS  name"; otherwise its message and, for a failure or an error, the last 10 lines of its details
// (a command's output, the last probe outputs), so that the reason is on the screen; each indented 8 spaces.
void print_verdict(std::ostream& out, const check::Verdict& verdict);

// "  [12.345] service.exited worker.1 {...}": one event as --verbose prints it.
void print_event(std::ostream& out, const history::Event& event);

// "NAME: RESULT in 12.3 s", RESULT as given ("passed", "FAILED", "ERROR", "CANCELLED").
void print_scenario_result(std::ostream& out, std::string_view name, std::string_view result,
                           std::chrono::milliseconds duration);

}  // namespace harness::report
