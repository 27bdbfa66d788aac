#pragma once
// What the runner knows about one scenario once it is over: the input of every report (junit.xml,
// summary.json). Plain data; the writers decide how to show it.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "harness/check/verdict.h"

namespace harness::report {

struct ServiceLog {
  std::string service;            // "broker", "worker.1"
  std::filesystem::path path;     // where the whole log is
  std::string tail;               // its last lines (util::tail_file), as stored: may be any bytes
};

// How a check fared over the repeats of a scenario (`--repeat N`): judged `runs` times, passed `passes` times.
// Flaky: it passed in some and failed in others.
struct RepeatStats {
  int runs = 0;
  int passes = 0;
  bool flaky = false;
};

struct ScenarioReport {
  std::string name, file, description, run_id, hostname;
  // The stack it ran on when the run named its stacks (`run --stack`, a matrix run: "bookworm", "trixie", a stack
  // file's name); empty otherwise. It names the JUnit testsuite ("smoke [trixie]") and starts each classname.
  std::string stack;
  std::string expectation = "pass";  // or "fail"
  std::chrono::system_clock::time_point started{};
  std::chrono::milliseconds duration{0};
  std::uint64_t seed = 0;
  std::vector<std::pair<std::string, std::string>> properties;  // {"version.rabbitmq","3.10.8"}, {"driver","local"}
  std::vector<check::Verdict> verdicts;
  std::vector<ServiceLog> logs;
  // Infrastructure error of the whole scenario, if any. Reported as a testcase of its own ("scenario setup"),
  // beside the verdicts, which are then usually <skipped> ("not judged: ..."): otherwise a run whose services
  // never started would show no error at all.
  std::string error;
  // Why the scenario never started (the run was interrupted before it), empty when it ran. Its checks are then
  // <skipped> with this reason, and it did not pass.
  std::string not_run;
  // `--repeat N`, N > 1 (report/repeats.h): how many times it ran, and beside each verdict (same index) its stats.
  // Empty for a single run.
  int repeats = 1;
  std::vector<RepeatStats> repeat_stats;
};

// The counts as JUnit states them: tests = verdicts + 1 for a non-empty `error`, which is also one of `errors`.
// `xfailed` (expected failures, `expect: fail`) are passing tests for JUnit; summary.json counts them apart.
struct Counts {
  int tests = 0;
  int failures = 0;
  int errors = 0;
  int skipped = 0;
  int xfailed = 0;
  Counts& operator+=(const Counts& other);
};

Counts count(const ScenarioReport& scenario);
// It ran, with no failure and no error (skipped checks do not fail a scenario that ran).
bool passed(const ScenarioReport& scenario);
// The verdict's classname, or "<scenario>.check" when it has none: CI systems group by classname. With a stack,
// "<stack>." first ("trixie.smoke.delivery"), so a matrix run's stacks are apart.
std::string classname_of(const ScenarioReport& scenario, const check::Verdict& verdict);
// What names the scenario's run in reports: "smoke", or "smoke [trixie]" with a stack.
std::string title_of(const ScenarioReport& scenario);

}  // namespace harness::report
