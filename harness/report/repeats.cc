#include "harness/report/repeats.h"

#include <algorithm>
#include <map>

namespace harness::report {

namespace {
using check::Outcome;
using check::Verdict;

bool is_pass(Outcome o) { return o == Outcome::k_passed || o == Outcome::k_xfailed; }

int severity(Outcome o) {
  switch (o) {
    case Outcome::k_error: return 4;
    case Outcome::k_failed: return 3;
    case Outcome::k_skipped: return 2;
    case Outcome::k_xfailed: return 1;
    case Outcome::k_passed: return 0;
  }
  return 0;
}

struct Seen {
  int repeat;  // 1-based
  const Verdict* verdict;
};

std::string per_repeat_details(const std::vector<Seen>& seen) {
  std::string details;
  for (const auto& [repeat, v] : seen) {
    details += "repeat " + std::to_string(repeat) + ": " + check::to_string(v->outcome);
    if (!is_pass(v->outcome) || v->outcome == Outcome::k_xfailed) details += ": " + v->message;
    details += "\n";
  }
  return details;
}

// One check over the repeats it was judged in.
std::pair<Verdict, RepeatStats> combine(const std::vector<Seen>& seen) {
  RepeatStats stats;
  stats.runs = static_cast<int>(seen.size());
  bool any_failed = false, any_other = false;
  const Seen* worst = &seen.front();
  const Seen* first_failure = nullptr;
  std::chrono::milliseconds duration{0};
  for (const auto& s : seen) {
    stats.passes += is_pass(s.verdict->outcome);
    if (s.verdict->outcome == Outcome::k_failed && !first_failure) first_failure = &s;
    any_failed |= s.verdict->outcome == Outcome::k_failed;
    any_other |= !is_pass(s.verdict->outcome) && s.verdict->outcome != Outcome::k_failed;
    if (severity(s.verdict->outcome) > severity(worst->verdict->outcome)) worst = &s;
    duration += s.verdict->duration;
  }
  Verdict verdict = *worst->verdict;
  verdict.duration = duration;
  const bool all_same = std::all_of(seen.begin(), seen.end(),
                                    [&](const Seen& s) { return s.verdict->outcome == seen.front().verdict->outcome; });
  if (all_same) {
    Verdict first = *seen.front().verdict;
    first.duration = duration;
    return {first, stats};
  }
  if (any_failed && !any_other && stats.passes > 0) {
    stats.flaky = true;
    verdict = *first_failure->verdict;
    verdict.duration = duration;
    verdict.message = "flaky: " + pass_rate_text(stats) + "; repeat " + std::to_string(first_failure->repeat) +
                      ": " + first_failure->verdict->message;
  } else {
    verdict.message = "repeat " + std::to_string(worst->repeat) + ": " + verdict.message;
  }
  verdict.details = per_repeat_details(seen) + (verdict.details.empty() ? "" : "\n" + verdict.details);
  return {verdict, stats};
}
}  // namespace

std::string pass_rate_text(const RepeatStats& stats) {
  const int percent = stats.runs == 0 ? 0 : (stats.passes * 100 + stats.runs / 2) / stats.runs;
  return "passed in " + std::to_string(stats.passes) + " of " + std::to_string(stats.runs) + " repeats (" +
         std::to_string(percent) + "%)";
}

ScenarioReport aggregate_repeats(const std::vector<ScenarioReport>& all) {
  std::vector<const ScenarioReport*> ran;
  for (const auto& r : all) {
    if (r.not_run.empty()) ran.push_back(&r);
  }
  if (ran.empty()) return all.front();
  if (ran.size() == 1) return *ran.front();

  ScenarioReport out = *ran.front();
  out.repeats = static_cast<int>(ran.size());
  out.duration = {};
  out.verdicts.clear();
  out.error.clear();
  std::string seeds;
  std::vector<std::string> order;
  std::map<std::string, std::vector<Seen>> by_name;
  for (std::size_t i = 0; i < ran.size(); ++i) {
    const auto& r = *ran[i];
    out.duration += r.duration;
    seeds += (seeds.empty() ? "" : " ") + std::to_string(r.seed);
    if (out.error.empty() && !r.error.empty()) {
      out.error = "repeat " + std::to_string(i + 1) + " of " + std::to_string(ran.size()) + ": " + r.error;
    }
    for (const auto& v : r.verdicts) {
      auto& seen = by_name[v.name];
      if (seen.empty()) order.push_back(v.name);
      seen.push_back(Seen{static_cast<int>(i + 1), &v});
    }
  }
  for (const auto& name : order) {
    auto [verdict, stats] = combine(by_name[name]);
    out.verdicts.push_back(std::move(verdict));
    out.repeat_stats.push_back(stats);
  }
  out.logs = ran.back()->logs;
  out.properties.emplace_back("repeats", std::to_string(ran.size()));
  out.properties.emplace_back("seeds", seeds);
  return out;
}

}  // namespace harness::report
