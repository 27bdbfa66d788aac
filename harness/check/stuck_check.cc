#include "harness/check/stuck_check.h"

#include <algorithm>
#include <map>
#include <optional>

#include "harness/check/check_kind.h"
#include "harness/check/delivery_check.h"
#include "harness/check/instance_events.h"
#include "harness/history/event_type.h"
#include "harness/scenario/check_syntax.h"
#include "harness/scenario/duration.h"

namespace harness::check {

namespace {
// The longest time one task spent in the judged state.
struct Stay {
  std::string id;
  std::string name;       // the task's name, as the monitor knew it
  std::string instance;   // the worker instance of its events (empty: not a watched worker's)
  double from = 0;
  double to = 0;
  bool still = false;     // still in the state at the monitor's last event
  double seconds() const { return to - from; }
};

// "ID (probe.sleep on worker.1) started at 12.3s, still started at 45.6s (33.3s)".
std::string describe(const Stay& stay, const std::string& state) {
  std::string what = stay.id + " (" + (stay.name.empty() ? "?" : stay.name) +
                     (stay.instance.empty() ? "" : " on " + stay.instance) + ") " + state + " at " +
                     tenths(stay.from) + ", ";
  what += stay.still ? "still " + state + " at " + tenths(stay.to) : "until " + tenths(stay.to);
  return what + " (" + tenths(stay.seconds()) + ")";
}

// Every task's longest stay in `state`, by id (in the order the tasks were first seen), up to `end`.
std::vector<Stay> stays(const std::vector<const history::Event*>& events, const std::string& state, double end) {
  struct Task {
    std::string current;
    double since = 0;
    std::optional<Stay> longest;
    std::string name, instance;
  };
  std::vector<std::string> order;
  std::map<std::string, Task> tasks;
  const auto close = [&](const std::string& id, Task& task, double at, bool still) {
    if (task.current != state) return;
    Stay stay{id, task.name, task.instance, task.since, at, still};
    if (!task.longest || stay.seconds() > task.longest->seconds()) task.longest = stay;
  };
  for (const auto* e : events) {
    const std::string id = e->data.value("id", std::string{});
    const std::string next = e->data.value("state", std::string{});
    auto [it, fresh] = tasks.try_emplace(id);
    if (fresh) order.push_back(id);
    Task& task = it->second;
    if (const std::string name = e->data.value("name", std::string{}); !name.empty()) task.name = name;
    if (!e->service.empty()) task.instance = e->service;
    if (next == task.current || (next == "sent" && !task.current.empty())) continue;
    close(id, task, e->t, false);
    task.current = next;
    task.since = e->t;
  }
  std::vector<Stay> out;
  for (const auto& id : order) {
    Task& task = tasks[id];
    close(id, task, end, true);
    if (task.longest) out.push_back(*task.longest);
  }
  return out;
}
}  // namespace

Verdict judge_stuck(const StuckParams& spec, const std::string& name, const std::string& classname,
                    const std::vector<history::Event>& history) {
  Verdict v;
  v.name = name;
  v.classname = classname;
  std::vector<const history::Event*> events;  // the task events judged
  double end = 0;                             // the monitor's last event
  std::map<std::string, bool> of_service;     // task id -> an event of it on the service
  for (const auto& e : history) {
    if (e.type.rfind("monitor.", 0) != 0) continue;
    end = e.t;
    if (!history::is(e, history::EventType::k_monitor_task)) continue;
    events.push_back(&e);
    if (!spec.service.empty() && instance_of(e.service, spec.service)) of_service[e.data.value("id", std::string{})] = true;
  }
  if (!spec.service.empty())
    events.erase(std::remove_if(events.begin(), events.end(),
                                [&](const history::Event* e) { return !of_service.count(e->data.value("id", std::string{})); }),
                 events.end());
  if (events.empty()) {
    v.outcome = Outcome::k_error;
    v.message = "no celery-monitor saw a task" + (spec.service.empty() ? "" : " of '" + spec.service + "'") +
                " (no task event): nothing to judge";
    return v;
  }
  const double limit = std::chrono::duration<double>(spec.longer_than).count();
  const std::string what = spec.state + " longer than " + scenario::format_duration(spec.longer_than);
  std::vector<Stay> all = stays(events, spec.state, end);
  std::sort(all.begin(), all.end(), [](const Stay& a, const Stay& b) { return a.seconds() > b.seconds(); });
  std::int64_t stuck = 0;
  for (const auto& stay : all) {
    if (stay.seconds() <= limit) break;
    ++stuck;
    v.details += describe(stay, spec.state) + "\n";
  }
  const std::string expected = "expected " + expectation(spec.count);
  const std::string longest = all.empty() ? "no task was " + spec.state : "the longest: " + describe(all.front(), spec.state);
  v.outcome = holds(spec.count, stuck) ? Outcome::k_passed : Outcome::k_failed;
  v.message = std::to_string(stuck) + " task(s) " + what + " (" + expected + "); " + longest;
  return v;
}

// The kind, registered.
namespace {
using namespace harness::scenario;

const std::vector<std::string_view> k_stuck_keys{"state", "longer_than", "service", "count"};
const std::vector<std::string_view> k_stuck_states{"received", "started"};

std::optional<StuckParams> read_stuck(YamlReader& reader, const MapEntry& entry, const std::vector<Service>* services) {
  const std::string context = "stuck check";
  auto map = read_map(reader, entry, "'stuck' must be a map with 'state' and 'longer_than'", k_stuck_keys, context);
  if (!map) return std::nullopt;
  StuckParams stuck;
  bool ok = true;
  if (const MapEntry* e = map->find("state")) assign_or_fail(read_choice(reader, *e, k_stuck_states), stuck.state, ok);
  if (const MapEntry* e = map->require(reader, "longer_than", context))
    assign_or_fail(read_duration(reader, *e), stuck.longer_than, ok);
  else
    ok = false;
  if (map->find("service")) read_check_service(reader, *map, services, context, stuck.service, ok);
  if (const MapEntry* e = map->find("count")) assign_or_fail(read_count_bound(reader, *e), stuck.count, ok);
  const bool monitored = !services || std::any_of(services->begin(), services->end(), [](const Service& s) {
    return s.kind == ServiceKind::k_celery_monitor;
  });
  if (!monitored) {
    reader.error(entry.location, "stuck check needs a celery-monitor service (kind: celery-monitor) to see task states");
    ok = false;
  }
  if (!ok) return std::nullopt;
  return stuck;
}

std::string stuck_name(const KindParams& params) {
  const auto& stuck = params_as<StuckParams>(params);
  std::string name = "stuck " + (stuck.service.empty() ? "" : stuck.service + " ") + stuck.state + " > " +
                     format_duration(stuck.longer_than);
  const bool default_count = stuck.count.op == CountBound::Op::k_ge && stuck.count.value == 1;
  return default_count ? name : name + " count " + format_bound(stuck.count);
}

const bool k_stuck_registered = add_kind({
    .name = "stuck",
    .listed_at = 10,
    .keys = k_stuck_keys,
    .summary = "tasks a celery-monitor saw in a state (started) longer than a bound, as Flower lists them (count)",
    .read = params_reader<read_stuck>,
    .generated_name = stuck_name,
}, {
    .judge = [](const Check& check, const std::string& classname, JudgeContext& context) {
      return judge_stuck(params_of<StuckParams>(check), check.name, classname, context.history.events());
    },
});
}  // namespace

}  // namespace harness::check
