#include "harness/check/rollout_check.h"

#include <cstdio>

#include "harness/check/check_kind.h"
#include "harness/check/instance_events.h"
#include "harness/history/event_type.h"
#include "harness/scenario/check_syntax.h"
#include "harness/scenario/duration.h"

namespace harness::check {

namespace {
std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f s", seconds);
  return text;
}

// "beat.1 (start-first): old and new ran side by side 2.31 s" or "... 1.20 s with neither running".
std::string told(const history::Event& end, double overlap) {
  const std::string head = end.service + " (" + end.data.value("order", std::string{"?"}) + "): ";
  if (overlap >= 0) return head + "old and new task ran side by side " + seconds_text(overlap);
  return head + seconds_text(-overlap) + " with neither task running";
}

// What is wrong with one instance's rollout against `spec`; empty when nothing.
std::string judge_one(const RolloutParams& spec, const history::Event& end, double overlap) {
  if (spec.overlap && !holds(*spec.overlap, std::max(overlap, 0.0)))
    return told(end, overlap) + ", expected an overlap " + format_bound(*spec.overlap);
  if (spec.gap && !holds(*spec.gap, std::max(-overlap, 0.0)))
    return told(end, overlap) + ", expected a gap " + format_bound(*spec.gap);
  return {};
}
}  // namespace

Verdict judge_rollout(const RolloutParams& spec, const std::string& name, const std::string& classname,
                      const std::vector<history::Event>& history) {
  Verdict v;
  v.name = name;
  v.classname = classname;
  std::string failures;
  std::size_t rollouts = 0;
  for (const auto& e : history) {
    if (!history::is(e, history::EventType::k_rollout_end) || !instance_of(e.service, spec.service)) continue;
    ++rollouts;
    if (e.data.contains("error")) {
      failures += e.service + ": the rollout failed: " + e.data.value("error", std::string{}) + "\n";
      continue;
    }
    if (!e.data.contains("overlap_s") || !e.data["overlap_s"].is_number()) {
      failures += e.service + ": the engine gave no times of its old and new task\n";
      continue;
    }
    const double overlap = e.data["overlap_s"].get<double>();
    v.details += told(e, overlap) + " (tasks " + e.data.value("old_task", std::string{}) + " -> " +
                 e.data.value("new_task", std::string{}) + ")\n";
    if (auto why = judge_one(spec, e, overlap); !why.empty()) failures += why + "\n";
  }
  if (rollouts == 0) {
    v.outcome = Outcome::k_error;
    v.message = "no rollout of '" + spec.service + "' in this run (a rollout step records one)";
    return v;
  }
  v.outcome = failures.empty() ? Outcome::k_passed : Outcome::k_failed;
  v.message = failures.empty() ? std::to_string(rollouts) + " rollout(s) of '" + spec.service + "' as expected"
                               : failures.substr(0, failures.find('\n'));
  if (!failures.empty()) v.details = failures + v.details;
  return v;
}

// The kind, registered.
namespace {
using namespace harness::scenario;

const std::vector<std::string_view> k_rollout_keys{"service", "overlap", "gap"};

std::optional<RolloutParams> read_rollout(YamlReader& reader, const MapEntry& entry,
                                          const std::vector<Service>* services) {
  const std::string context = "rollout check";
  auto map = read_map(reader, entry, "'rollout' must be a map with 'service' and 'overlap' or 'gap'",
                      k_rollout_keys, context);
  if (!map) return std::nullopt;
  RolloutParams rollout;
  bool ok = true;
  read_check_service(reader, *map, services, context, rollout.service, ok);
  if (const MapEntry* e = map->find("overlap")) assign_or_fail(read_duration_bound(reader, *e), rollout.overlap, ok);
  if (const MapEntry* e = map->find("gap")) assign_or_fail(read_duration_bound(reader, *e), rollout.gap, ok);
  if (!ok) return std::nullopt;
  return rollout;
}

std::string rollout_name(const KindParams& params) {
  const auto& rollout = params_as<RolloutParams>(params);
  std::string name = "rollout " + rollout.service;
  if (rollout.overlap) name += " overlap " + format_bound(*rollout.overlap);
  if (rollout.gap) name += " gap " + format_bound(*rollout.gap);
  return name;
}

const bool k_rollout_registered = add_kind({
    .name = "rollout",
    .listed_at = 12,
    .keys = k_rollout_keys,
    .summary = "a service's rollout completed, its old and new tasks side by side (overlap) or neither running "
               "(gap) for as long as bounded",
    .read = params_reader<read_rollout>,
    .generated_name = rollout_name,
}, {
    .judge = [](const Check& check, const std::string& classname, JudgeContext& context) {
      return judge_rollout(params_of<RolloutParams>(check), check.name, classname, context.history.events());
    },
});
}  // namespace

}  // namespace harness::check
