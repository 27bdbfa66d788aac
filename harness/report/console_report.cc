#include "harness/report/console_report.h"

#include <algorithm>
#include <iomanip>
#include <ostream>

#include "harness/report/console_text.h"
#include "harness/report/repeats.h"
#include "harness/util/time_format.h"

namespace harness::report {

namespace {
using check::Outcome;

constexpr size_t k_console_detail_lines = 10;

const char* outcome_label(Outcome o) {
  switch (o) {
    case Outcome::k_passed: return "PASS ";
    case Outcome::k_failed: return "FAIL ";
    case Outcome::k_error: return "ERROR";
    case Outcome::k_skipped: return "SKIP ";
    case Outcome::k_xfailed: return "XFAIL";
  }
  return "?";
}

// Each line of `text`, escaped (report/console_text.h), indented under its verdict.
void print_indented(std::ostream& out, std::string_view text) {
  std::string_view rest = text;
  while (!rest.empty()) {
    const auto newline = rest.find('\n');
    out << "        " << terminal_text(rest.substr(0, newline)) << "\n";
    rest = newline == std::string_view::npos ? std::string_view{} : rest.substr(newline + 1);
  }
}
}  // namespace

void print_verdict(std::ostream& out, const check::Verdict& v) {
  out << "  " << outcome_label(v.outcome) << " " << terminal_text(v.name) << "\n";
  if (v.outcome == Outcome::k_passed) return;
  print_indented(out, v.message);
  if (v.outcome != Outcome::k_skipped && !v.details.empty()) {
    print_indented(out, last_lines(v.details, k_console_detail_lines));
  }
}

void print_event(std::ostream& out, const history::Event& e) {
  out << "  [" << std::fixed << std::setprecision(3) << e.t << std::defaultfloat << "] " << e.type;
  if (!e.service.empty()) out << " " << terminal_text(e.service);
  if (!e.data.empty()) {
    out << " " << terminal_text(e.data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
  out << "\n" << std::flush;
}

void print_scenario_result(std::ostream& out, std::string_view name, std::string_view result,
                           std::chrono::milliseconds duration) {
  out << name << ": " << result << " in " << util::human_duration(duration) << "\n" << std::flush;
}

ScenarioClass classify(const ScenarioReport& scenario) {
  if (!scenario.not_run.empty()) return ScenarioClass::k_skipped;
  const Counts counts = count(scenario);
  if (counts.errors > 0) return ScenarioClass::k_error;
  if (counts.failures > 0) return ScenarioClass::k_failed;
  return ScenarioClass::k_passed;
}

std::string quiet_line(std::string_view position, const ScenarioReport& scenario) {
  static constexpr const char* k_labels[] = {"passed", "FAILED", "ERROR", "SKIPPED"};
  std::string line = position.empty() ? std::string{} : std::string(position) + " ";
  line += terminal_text(title_of(scenario)) + ": " + k_labels[static_cast<int>(classify(scenario))];
  if (scenario.not_run.empty()) line += " in " + util::human_duration(scenario.duration);
  return line;
}

void print_flaky(std::ostream& out, const ScenarioReport& scenario) {
  for (std::size_t i = 0; i < scenario.repeat_stats.size() && i < scenario.verdicts.size(); ++i) {
    if (!scenario.repeat_stats[i].flaky) continue;
    out << "  FLAKY " << terminal_text(scenario.verdicts[i].name) << ": " << pass_rate_text(scenario.repeat_stats[i])
        << "\n";
  }
  out << std::flush;
}

std::string totals_line(const std::vector<ScenarioReport>& scenarios, std::chrono::nanoseconds elapsed) {
  int counts[4] = {}, flaky = 0;
  for (const auto& s : scenarios) {
    const auto c = classify(s);
    ++counts[static_cast<int>(c)];
    flaky += c == ScenarioClass::k_failed &&
             std::any_of(s.repeat_stats.begin(), s.repeat_stats.end(), [](const RepeatStats& r) { return r.flaky; });
  }
  return std::to_string(counts[0]) + " passed, " + std::to_string(counts[1]) + " failed" +
         (flaky > 0 ? " (" + std::to_string(flaky) + " flaky)" : std::string{}) + ", " +
         std::to_string(counts[2]) + (counts[2] == 1 ? " error, " : " errors, ") + std::to_string(counts[3]) +
         " skipped in " + util::human_duration(elapsed);
}

}  // namespace harness::report
