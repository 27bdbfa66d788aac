#include "harness/check/orchestration_checks.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "harness/check/log_check.h"
#include "harness/scenario/duration.h"

namespace harness::check {

namespace {
std::string seconds(double t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fs", t);
  return buf;
}

double reference_time(const std::vector<history::Event>& history) {
  for (const auto& e : history) {
    if (e.type == "stack.ready") return e.t;
  }
  return 0.0;
}

// The last probe outputs of the service: evidence for a health verdict.
std::string last_probes(const std::vector<history::Event>& history, const std::string& service, size_t count = 5) {
  std::vector<const history::Event*> probes;
  for (const auto& e : history) {
    if (e.type == "health.probe" && instance_of(e.service, service)) probes.push_back(&e);
  }
  std::ostringstream out;
  const size_t from = probes.size() > count ? probes.size() - count : 0;
  for (size_t i = from; i < probes.size(); ++i) {
    const auto& d = probes[i]->data;
    out << "probe at " << seconds(probes[i]->t) << " on " << probes[i]->service << ": "
        << (d.value("timed_out", false) ? std::string("timed out") : "exit " + std::to_string(d.value("exit_code", -1)))
        << " -> " << d.value("state", std::string{}) << "\n";
    const std::string output = d.value("output", std::string{});
    if (!output.empty()) out << "  " << output.substr(0, 300) << (output.back() == '\n' ? "" : "\n");
  }
  return probes.empty() ? "no health probe ran for '" + service + "'\n" : out.str();
}

Verdict make(const std::string& name, const std::string& classname) {
  Verdict v;
  v.name = name;
  v.classname = classname;
  return v;
}

// Why a health check has nothing to judge, or empty: no probe of the service ran from `t0` on, or (`every`, for
// never/always, which speak of every instance) some instance with a health monitor ran none. A state that was
// never probed proves nothing: an instance never probed is never "unhealthy" either.
// `since`: "" or " after the first fault (kill)", for the message.
std::string unprobed(const std::vector<history::Event>& history, const std::string& service, double t0, bool every,
                     const std::string& since) {
  std::map<std::string, int> probes;  // every instance with a health monitor: its probes from t0 on
  for (const auto& e : history) {
    if (!instance_of(e.service, service)) continue;
    if (e.type == "health.state") probes.emplace(e.service, 0);
    if (e.type == "health.probe" && e.t >= t0) ++probes[e.service];
  }
  std::string none;
  int total = 0;
  for (const auto& [instance, count] : probes) {
    total += count;
    if (count == 0) none += (none.empty() ? "" : ", ") + instance;
  }
  if (total == 0) return "no health probe of '" + service + "' ran" + since + ": nothing to judge";
  if (every && !none.empty()) return "no health probe of " + none + " ran" + since + ": nothing to judge";
  return {};
}

// Why a check on `service` has nothing to judge, or empty: no instance of it ever started (no service.started;
// a spawn failure is a service.failed). "0 restarts" or "no exit" of a service that never ran proves nothing.
std::string never_started(const std::vector<history::Event>& history, const std::string& service) {
  std::string failure;
  for (const auto& e : history) {
    if (!instance_of(e.service, service)) continue;
    if (e.type == "service.started") return {};
    if (e.type == "service.failed" && failure.empty()) failure = e.data.value("detail", std::string{});
  }
  return "'" + service + "' never started" + (failure.empty() ? std::string() : " (" + failure + ")") +
         ": nothing to judge";
}

bool contains_text(const std::filesystem::path& file, const std::string& text) {
  std::ifstream in(file, std::ios::binary);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return all.find(text) != std::string::npos;
}
}  // namespace

bool instance_of(const std::string& instance, const std::string& service) {
  if (instance == service) return true;
  if (instance.size() <= service.size() + 1 || instance.compare(0, service.size() + 1, service + ".") != 0) return false;
  return std::all_of(instance.begin() + static_cast<long>(service.size()) + 1, instance.end(), ::isdigit);
}

Verdict judge_health(const scenario::HealthCheckSpec& spec, const std::string& name, const std::string& classname,
                     const std::vector<history::Event>& history) {
  Verdict v = make(name, classname);
  double t0 = reference_time(history);
  std::string anchor = "the stack was ready";
  if (spec.after_fault) {
    const auto fault = std::find_if(history.begin(), history.end(),
                                    [](const history::Event& e) { return e.type == "fault.start"; });
    if (fault == history.end()) {
      v.outcome = Outcome::k_error;
      v.message = "'after: fault', but no fault started in this run";
      return v;
    }
    t0 = fault->t;
    anchor = "the first fault (" + fault->data.value("kind", std::string{"?"}) + ")";
  }
  // After a fault: the changes from it on, and for never/always also the state each instance was in when it
  // started (its last change before).
  std::vector<const history::Event*> states;
  std::map<std::string, const history::Event*> at_fault;
  for (const auto& e : history) {
    if (e.type != "health.state" || !instance_of(e.service, spec.service)) continue;
    if (spec.after_fault && e.t < t0)
      at_fault[e.service] = &e;
    else
      states.push_back(&e);
  }
  if (!spec.within) {
    std::vector<const history::Event*> carried;
    for (const auto& [instance, e] : at_fault) carried.push_back(e);
    std::sort(carried.begin(), carried.end(), [](const history::Event* a, const history::Event* b) { return a->t < b->t; });
    states.insert(states.begin(), carried.begin(), carried.end());
  }
  std::string seen;
  for (const auto* e : states) {
    seen += (seen.empty() ? "" : ", ") + e->service + " " + e->data.value("state", std::string{}) + " at " +
            seconds(e->t - t0);
  }
  if (seen.empty()) seen = "no health state change";
  v.details = "states seen (after " + anchor + "): " + seen + "\n" + last_probes(history, spec.service);
  // Without `after: fault`, every probe counts (never/always judge every state change, whenever it happened).
  const auto why = spec.after_fault ? unprobed(history, spec.service, t0, !spec.within, " after " + anchor)
                                    : unprobed(history, spec.service, std::numeric_limits<double>::lowest(),
                                               !spec.within, "");
  if (!why.empty()) {
    v.outcome = Outcome::k_error;
    v.message = why;
    return v;
  }

  if (spec.within) {
    const double limit = std::chrono::duration<double>(*spec.within).count();
    for (const auto* e : states) {
      if (e->data.value("state", std::string{}) == spec.state && e->t - t0 <= limit) {
        v.outcome = Outcome::k_passed;
        v.message = e->service + " became " + spec.state + " " + seconds(e->t - t0) + " after " + anchor;
        return v;
      }
    }
    v.outcome = Outcome::k_failed;
    v.message = "expected '" + spec.service + "' to become " + spec.state + " within " +
                scenario::format_duration(*spec.within) + "; it did not (" + seen + ")";
    return v;
  }
  if (!spec.never.empty()) {
    for (const auto* e : states) {
      if (e->data.value("state", std::string{}) == spec.never) {
        v.outcome = Outcome::k_failed;
        v.message = "expected '" + spec.service + "' never to be " + spec.never + "; " + e->service + " was at " +
                    seconds(e->t - t0);
        return v;
      }
    }
    v.outcome = Outcome::k_passed;
    v.message = "'" + spec.service + "' was never " + spec.never + " (" + seen + ")";
    return v;
  }
  // always: once an instance reached the state, it never left it.
  std::map<std::string, bool> reached;
  for (const auto* e : states) {
    const std::string state = e->data.value("state", std::string{});
    if (state == spec.always) {
      reached[e->service] = true;
    } else if (reached.count(e->service)) {
      v.outcome = Outcome::k_failed;
      v.message = "expected '" + spec.service + "' to stay " + spec.always + "; " + e->service + " became " + state +
                  " at " + seconds(e->t - t0);
      return v;
    }
  }
  if (reached.empty()) {
    v.outcome = Outcome::k_failed;
    v.message = "expected '" + spec.service + "' to be " + spec.always + " throughout; it never was (" + seen + ")";
    return v;
  }
  v.outcome = Outcome::k_passed;
  v.message = "'" + spec.service + "' stayed " + spec.always + " (" + seen + ")";
  return v;
}

Verdict judge_restarts(const scenario::RestartsCheck& spec, const std::string& name, const std::string& classname,
                       const std::vector<history::Event>& history) {
  Verdict v = make(name, classname);
  if (auto why = never_started(history, spec.service); !why.empty()) {
    v.outcome = Outcome::k_error;
    v.message = why;
    return v;
  }
  int count = 0;
  for (const auto& e : history) {
    if (e.type == "service.restarted" && instance_of(e.service, spec.service)) {
      ++count;
      v.details += e.service + " restarted at " + seconds(e.t) + ": " + e.data.value("reason", std::string{}) + "\n";
    }
  }
  const bool ok = (!spec.min || count >= *spec.min) && (!spec.max || count <= *spec.max);
  std::string expected;
  if (spec.min && spec.max) {
    expected = "between " + std::to_string(*spec.min) + " and " + std::to_string(*spec.max);
  } else if (spec.min) {
    expected = "at least " + std::to_string(*spec.min);
  } else {
    expected = "at most " + std::to_string(spec.max.value_or(0));
  }
  v.outcome = ok ? Outcome::k_passed : Outcome::k_failed;
  v.message = (ok ? "" : "expected " + expected + " restart(s) of '" + spec.service + "'; ") +
              std::to_string(count) + " restart(s)" + (ok ? " (expected " + expected + ")" : "");
  return v;
}

Verdict judge_exit(const scenario::ExitCheck& spec, const std::string& name, const std::string& classname,
                   const std::vector<history::Event>& history, const std::filesystem::path& logs_dir) {
  Verdict v = make(name, classname);
  if (auto why = never_started(history, spec.service); !why.empty()) {
    v.outcome = Outcome::k_error;
    v.message = why;
    return v;
  }
  // Exits the harness caused do not count: an instance a kill fault signalled, or one the orchestrator killed to
  // replace it (service.killed), until it starts again.
  std::vector<const history::Event*> exits;
  std::set<std::string> harness_killed;
  std::string caused;
  for (const auto& e : history) {
    // A kill fault lists the instances it signalled by name (`target: children` lists {instance, pids}: the
    // instance itself lives on).
    if (e.type == "fault.start" && e.data.value("kind", std::string{}) == "kill") {
      for (const auto& instance : e.data.value("instances", nlohmann::json::array()))
        if (instance.is_string() && instance_of(instance.get<std::string>(), spec.service))
          harness_killed.insert(instance.get<std::string>());
    }
    if (!instance_of(e.service, spec.service)) continue;
    if (e.type == "service.killed") harness_killed.insert(e.service);
    if (e.type == "service.started" || e.type == "service.restarted") harness_killed.erase(e.service);
    if (e.type != "service.exited") continue;
    if (harness_killed.erase(e.service)) {
      caused += (caused.empty() ? "" : ", ") + e.service + " at " + seconds(e.t);
      continue;
    }
    exits.push_back(&e);
  }
  if (!caused.empty()) v.details = "exits the harness caused (not counted): " + caused + "\n";
  bool log_ok = true;
  if (spec.log) {
    log_ok = false;
    for (const auto& file : service_logs(logs_dir, spec.service)) log_ok |= contains_text(file, *spec.log);
  }
  std::string seen;
  for (const auto* e : exits) {
    seen += (seen.empty() ? "" : ", ") + e->service + " " + e->data.value("describe", std::string{}) + " at " +
            seconds(e->t);
    const bool code_ok = !spec.code || (e->data.value("signal", 0) == 0 && e->data.value("code", -1) == *spec.code);
    if (code_ok && log_ok) {
      v.outcome = Outcome::k_passed;
      v.message = e->service + " " + e->data.value("describe", std::string{}) + " at " + seconds(e->t) +
                  (spec.log ? " and its log has '" + *spec.log + "'" : "");
      return v;
    }
  }
  v.outcome = Outcome::k_failed;
  std::string expected = "expected '" + spec.service + "' to exit";
  if (spec.code) expected += " with exit code " + std::to_string(*spec.code);
  if (spec.log) expected += " with '" + *spec.log + "' in its log";
  v.message = expected + "; " + (exits.empty() ? "it did not exit" : "exits seen: " + seen) +
              (spec.log && !log_ok ? " (the log does not contain it)" : "");
  return v;
}

}  // namespace harness::check
