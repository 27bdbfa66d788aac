#include "harness/report/timeline.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

#include "harness/history/event_type.h"

namespace harness::report {

namespace {
using history::Event;
using history::EventType;
using history::is;

std::string text_of(const nlohmann::json& data, const char* key) {
  auto it = data.find(key);
  if (it == data.end()) return {};
  return it->is_string() ? it->get<std::string>() : it->dump();
}

Lane& lane_of(Timeline& timeline, const std::string& service) {
  for (auto& lane : timeline.lanes) {
    if (lane.service == service) return lane;
  }
  timeline.lanes.push_back(Lane{service, {}, {}, {}});
  return timeline.lanes.back();
}

// The lane's state from `t` on; nothing when it is already in it.
void enter(Lane& lane, double t, const std::string& state) {
  if (!lane.spans.empty()) {
    if (lane.spans.back().state == state) return;
    lane.spans.back().end = t;
  }
  lane.spans.push_back(LaneSpan{t, t, state});
}

// The state an instance's own event puts it in, if any.
std::optional<std::string> state_after(const Event& e) {
  if (is(e, EventType::k_service_prestarted) || is(e, EventType::k_service_starting) ||
      is(e, EventType::k_service_started) || is(e, EventType::k_service_restarted)) {
    return "starting";
  }
  if (is(e, EventType::k_service_ready)) return "healthy";
  if (is(e, EventType::k_health_state)) return text_of(e.data, "state");
  if (is(e, EventType::k_service_stopped)) return "stopped";
  if (is(e, EventType::k_service_exited) || is(e, EventType::k_service_killed) || is(e, EventType::k_service_failed)) {
    return "exited";
  }
  return std::nullopt;
}

// Whether a fault on `target` (an instance, or a group: "worker" for "worker.1") touches the lane.
bool targets(const std::string& target, const std::string& lane) {
  return target == lane || lane.rfind(target + ".", 0) == 0;
}

// A `pause` fault: the lanes it targets are paused until its end, then back in the state they had.
class Pauses {
public:
  void on_fault(Timeline& timeline, const Event& e, bool start) {
    if (text_of(e.data, "kind") != "pause") return;
    for (auto& lane : timeline.lanes) {
      if (!targets(e.service, lane.service) || lane.spans.empty()) continue;
      if (start) {
        m_before[lane.service] = lane.spans.back().state;
        enter(lane, e.t, "paused");
      } else if (lane.spans.back().state == "paused") {
        enter(lane, e.t, m_before.count(lane.service) ? m_before[lane.service] : "healthy");
      }
    }
  }

private:
  std::map<std::string, std::string> m_before;
};

void on_fault(Timeline& timeline, const Event& e, bool start) {
  const std::string kind = text_of(e.data, "kind");
  if (start) {
    timeline.faults.push_back(FaultSpan{e.t, e.t, kind, e.service, false});
    return;
  }
  for (auto& fault : timeline.faults) {  // the earliest open one of the same kind and service
    if (!fault.ended && fault.kind == kind && fault.service == e.service) {
      fault.end = e.t;
      fault.ended = true;
      return;
    }
  }
}

std::string step_label(const Event& e) {
  std::string label = "step " + text_of(e.data, "index");
  if (e.data.contains("line")) label += " (line " + text_of(e.data, "line") + ")";
  if (const auto title = text_of(e.data, "title"); !title.empty()) label += ": " + title;
  return label;
}

void on_load(Timeline& timeline, const Event& e, bool begin) {
  const std::string name = text_of(e.data, "load");
  if (begin) {
    timeline.loads.push_back(LoadSpan{e.t, e.t, name});
    return;
  }
  for (auto& load : timeline.loads) {
    if (load.name == name && load.end == load.start) load.end = e.t;
  }
}

void on_instance_event(Timeline& timeline, const Event& e) {
  if (is(e, EventType::k_health_probe)) {
    Lane& lane = lane_of(timeline, e.service);
    lane.probes.push_back(ProbeResult{e.t, text_of(e.data, "state"), text_of(e.data, "output")});
    if (lane.probes.size() > Lane::k_kept_probes) lane.probes.erase(lane.probes.begin());
    return;
  }
  const auto state = state_after(e);
  if (!state || state->empty()) return;
  Lane& lane = lane_of(timeline, e.service);
  if (is(e, EventType::k_service_restarted)) lane.restarts.push_back(e.t);
  enter(lane, e.t, *state);
}

// Closes every open span, fault and load at the timeline's end.
void close_all(Timeline& timeline) {
  for (auto& lane : timeline.lanes) {
    if (!lane.spans.empty()) lane.spans.back().end = timeline.end;
  }
  for (auto& fault : timeline.faults) {
    if (!fault.ended) fault.end = timeline.end;
  }
  for (auto& load : timeline.loads) {
    if (load.end == load.start) load.end = timeline.end;
  }
}
}  // namespace

Timeline build_timeline(const std::vector<history::Event>& events) {
  Timeline timeline;
  Pauses pauses;
  for (const auto& e : events) {
    timeline.end = std::max(timeline.end, e.t);
    if (!timeline.epoch_at_zero) {
      if (const auto wall = check::parse_utc_time(e.time)) timeline.epoch_at_zero = *wall - e.t;
    }
    if (is(e, EventType::k_fault_start) || is(e, EventType::k_fault_end)) {
      const bool start = is(e, EventType::k_fault_start);
      on_fault(timeline, e, start);
      pauses.on_fault(timeline, e, start);
    } else if (is(e, EventType::k_step_begin)) {
      timeline.steps.push_back(Mark{e.t, step_label(e)});
    } else if (is(e, EventType::k_load_begin) || is(e, EventType::k_load_end)) {
      on_load(timeline, e, is(e, EventType::k_load_begin));
    } else if (is(e, EventType::k_check_verdict)) {
      timeline.decisions.push_back(Decision{e.t, text_of(e.data, "name")});
    } else if (!e.service.empty() && !is(e, EventType::k_exec_result)) {
      on_instance_event(timeline, e);
    }
  }
  timeline.end = std::max(timeline.end, 1.0);
  close_all(timeline);
  std::stable_sort(timeline.faults.begin(), timeline.faults.end(),
                   [](const FaultSpan& a, const FaultSpan& b) { return a.start < b.start; });
  return timeline;
}

namespace {
double quantile(std::vector<double>& values, double q) {
  std::sort(values.begin(), values.end());
  const auto index = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size()))) - 1;
  return values[std::min(index, values.size() - 1)];
}
}  // namespace

void add_ledger(Timeline& timeline, const check::DeliveryInput& input) {
  if (!timeline.epoch_at_zero) return;
  std::unordered_map<check::TaskKey, double, check::TaskKeyHash> published;
  for (const auto& p : input.publishes) published.emplace(p.id, p.at);
  const auto seconds = static_cast<std::size_t>(std::ceil(timeline.end));
  auto& per = timeline.per_second;
  per.executions.assign(seconds, 0);
  std::vector<std::vector<double>> latencies(seconds);
  for (const auto& e : input.executions) {
    const double t = e.started - *timeline.epoch_at_zero;
    if (t < 0 || t >= static_cast<double>(seconds)) continue;
    const auto second = static_cast<std::size_t>(t);
    ++per.executions[second];
    auto it = published.find(e.id);
    if (it == published.end()) continue;
    latencies[second].push_back((e.started - it->second) * 1000.0);
    published.erase(it);  // a redelivery is not a second latency of the same publish
  }
  per.p50_ms.assign(seconds, std::nullopt);
  per.p99_ms.assign(seconds, std::nullopt);
  for (std::size_t s = 0; s < seconds; ++s) {
    if (latencies[s].empty()) continue;
    per.p50_ms[s] = quantile(latencies[s], 0.50);
    per.p99_ms[s] = quantile(latencies[s], 0.99);
  }
}

double decided_at(const Timeline& timeline, const std::string& name) {
  for (const auto& d : timeline.decisions) {
    if (d.name == name) return d.t;
  }
  return timeline.end;
}

}  // namespace harness::report
