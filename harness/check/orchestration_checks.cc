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

#include "harness/scenario/service_reader.h"
#include "harness/check/check_kind.h"
#include "harness/history/event_type.h"
#include "harness/scenario/check_syntax.h"

namespace harness::check {

namespace {
std::string seconds(double t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fs", t);
  return buf;
}

double reference_time(const std::vector<history::Event>& history) {
  for (const auto& e : history) {
    if (history::is(e, history::EventType::k_stack_ready)) return e.t;
  }
  return 0.0;
}

// The last probe outputs of the service: evidence for a health verdict.
std::string last_probes(const std::vector<history::Event>& history, const std::string& service, size_t count = 5) {
  std::vector<const history::Event*> probes;
  for (const auto& e : history) {
    if (history::is(e, history::EventType::k_health_probe) && instance_of(e.service, service)) probes.push_back(&e);
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
    if (history::is(e, history::EventType::k_health_state)) probes.emplace(e.service, 0);
    if (history::is(e, history::EventType::k_health_probe) && e.t >= t0) ++probes[e.service];
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
    if (history::is(e, history::EventType::k_service_started)) return {};
    if (history::is(e, history::EventType::k_service_failed) && failure.empty()) failure = e.data.value("detail", std::string{});
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

Verdict judge_health(const HealthParams& spec, const std::string& name, const std::string& classname,
                     const std::vector<history::Event>& history) {
  Verdict v = make(name, classname);
  double t0 = reference_time(history);
  std::string anchor = "the stack was ready";
  if (spec.after_fault) {
    const auto fault = std::find_if(history.begin(), history.end(),
                                    [](const history::Event& e) { return history::is(e, history::EventType::k_fault_start); });
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
    if (!history::is(e, history::EventType::k_health_state) || !instance_of(e.service, spec.service)) continue;
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

Verdict judge_restarts(const RestartsParams& spec, const std::string& name, const std::string& classname,
                       const std::vector<history::Event>& history) {
  Verdict v = make(name, classname);
  if (auto why = never_started(history, spec.service); !why.empty()) {
    v.outcome = Outcome::k_error;
    v.message = why;
    return v;
  }
  int count = 0;
  for (const auto& e : history) {
    if (history::is(e, history::EventType::k_service_restarted) && instance_of(e.service, spec.service)) {
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

Verdict judge_exit(const ExitParams& spec, const std::string& name, const std::string& classname,
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
    if (history::is(e, history::EventType::k_fault_start) && e.data.value("kind", std::string{}) == "kill") {
      for (const auto& instance : e.data.value("instances", nlohmann::json::array()))
        if (instance.is_string() && instance_of(instance.get<std::string>(), spec.service))
          harness_killed.insert(instance.get<std::string>());
    }
    if (!instance_of(e.service, spec.service)) continue;
    if (history::is(e, history::EventType::k_service_killed)) harness_killed.insert(e.service);
    if (history::is(e, history::EventType::k_service_started) || history::is(e, history::EventType::k_service_restarted)) harness_killed.erase(e.service);
    if (!history::is(e, history::EventType::k_service_exited)) continue;
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

// The kinds, registered.
namespace {
using namespace harness::scenario;

const std::vector<std::string_view> k_health_keys{"service", "state", "within", "never", "always", "after"};
const std::vector<std::string_view> k_health_anchors{"ready", "fault"};
const std::vector<std::string_view> k_health_forms{"state", "never", "always"};
const std::vector<std::string_view> k_health_states{"healthy", "unhealthy", "starting"};
const std::vector<std::string_view> k_restarts_keys{"service", "min", "max"};
const std::vector<std::string_view> k_exit_keys{"service", "code", "log"};

// `health: {service, state, within}`, `{service, never: STATE}` or `{service, always: STATE}`.
std::optional<HealthParams> read_health(YamlReader& reader, const MapEntry& entry,
                                           const std::vector<Service>* services) {
  const std::string context = "health check";
  auto map = read_map(reader, entry,
                      "'health' must be a map with 'service' and one of 'state' (with 'within'), 'never' or 'always'",
                      k_health_keys, context);
  if (!map) return std::nullopt;
  HealthParams health;
  bool ok = true;
  const MapEntry* service_entry = map->find("service");
  if (const Service* service = read_check_service(reader, *map, services, context, health.service, ok);
      service && !has_healthcheck(*service)) {
    reader.error(service_entry->location,
                 "health check on service " + quote(health.service) + ", but it has no healthcheck");
    ok = false;
  }

  std::vector<const MapEntry*> forms;  // in file order
  for (const auto& e : map->entries())
    if (std::find(k_health_forms.begin(), k_health_forms.end(), e.key) != k_health_forms.end()) forms.push_back(&e);
  const MapEntry* within = map->find("within");
  if (forms.empty()) {
    if (!within) reader.error(map->location(), "health check needs 'state' (with 'within'), 'never' or 'always'");
    ok = false;
  } else if (forms.size() > 1) {
    reader.error(forms[1]->key_location, "health check has both " + quote(forms[0]->key) + " and " +
                                             quote(forms[1]->key) + " (expected exactly one of: " +
                                             join(k_health_forms) + ")");
    ok = false;
  }
  const MapEntry* state = map->find("state");
  if (state && !within) {
    reader.error(state->key_location, "health check has 'state' without 'within' (e.g. within: 30s)");
    ok = false;
  } else if (within && !state) {
    reader.error(within->key_location, "health check has 'within' without 'state'");
    ok = false;
  }
  for (const MapEntry* e : forms) {
    auto value = read_choice(reader, *e, k_health_states);
    if (!value) {
      ok = false;
      continue;
    }
    (e->key == "state" ? health.state : e->key == "never" ? health.never : health.always) = *value;
  }
  if (within) assign_or_fail(read_duration(reader, *within), health.within, ok);
  if (const MapEntry* after = map->find("after")) {
    if (auto value = read_choice(reader, *after, k_health_anchors))
      health.after_fault = *value == "fault";
    else
      ok = false;
  }
  if (!ok) return std::nullopt;
  return health;
}

std::optional<RestartsParams> read_restarts(YamlReader& reader, const MapEntry& entry,
                                           const std::vector<Service>* services) {
  const std::string context = "restarts check";
  auto map = read_map(reader, entry, "'restarts' must be a map with 'service' and 'min' or 'max' (or both)",
                      k_restarts_keys, context);
  if (!map) return std::nullopt;
  RestartsParams restarts;
  bool ok = true;
  read_check_service(reader, *map, services, context, restarts.service, ok);
  const MapEntry* min = map->find("min");
  const MapEntry* max = map->find("max");
  for (const MapEntry* e : {min, max})
    if (e) assign_or_fail(read_int(reader, *e, 0), e == min ? restarts.min : restarts.max, ok);
  if (!min && !max) {
    reader.error(map->location(), "restarts check needs 'min' or 'max' (or both)");
    ok = false;
  } else if (restarts.min && restarts.max && *restarts.min > *restarts.max) {
    reader.error(max->location, "restarts check 'max' " + std::to_string(*restarts.max) + " is less than 'min' " +
                                    std::to_string(*restarts.min));
    ok = false;
  }
  if (!ok) return std::nullopt;
  return restarts;
}

std::optional<ExitParams> read_exit(YamlReader& reader, const MapEntry& entry, const std::vector<Service>* services) {
  const std::string context = "exit check";
  auto map = read_map(reader, entry, "'exit' must be a map with 'service' and optionally 'code' and 'log'",
                      k_exit_keys, context);
  if (!map) return std::nullopt;
  ExitParams exit;
  bool ok = true;
  read_check_service(reader, *map, services, context, exit.service, ok);
  if (const MapEntry* e = map->find("code")) assign_or_fail(read_int(reader, *e, 0, 255), exit.code, ok);
  if (const MapEntry* e = map->find("log")) assign_or_fail(read_nonempty_string(reader, *e), exit.log, ok);
  if (!ok) return std::nullopt;
  return exit;
}

std::string health_name(const KindParams& params) {
  const auto& health = params_as<HealthParams>(params);
  std::string name = "health " + health.service;
  const std::string after = health.after_fault ? " after the fault" : "";
  if (health.within) return name + " " + health.state + " within " + format_duration(*health.within) + after;
  if (!health.never.empty()) return name + " never " + health.never + after;
  return name + " always " + health.always + after;
}

std::string restarts_name(const KindParams& params) {
  const auto& restarts = params_as<RestartsParams>(params);
  const std::string name = "restarts " + restarts.service;
  if (restarts.min && restarts.max)
    return name + " " + std::to_string(*restarts.min) + ".." + std::to_string(*restarts.max);
  if (restarts.min) return name + " >= " + std::to_string(*restarts.min);
  return name + " <= " + std::to_string(restarts.max.value_or(0));
}

std::string exit_name(const KindParams& params) {
  const auto& exit = params_as<ExitParams>(params);
  std::string name = "exit " + exit.service;
  if (exit.code) name += " code " + std::to_string(*exit.code);
  if (exit.log) name += " log " + quote(truncate(*exit.log));
  return name;
}

const bool k_health_registered = add_kind({
    .name = "health",
    .listed_at = 2,
    .keys = k_health_keys,
    .summary = "a service's instances reach (within a time), never reach or always keep a Docker health state",
    .read = [](YamlReader& reader, const MapEntry& entry, const std::vector<Service>* services) {
      return as_params(read_health(reader, entry, services));
    },
    .generated_name = health_name,
    .judge = [](const Check& check, const std::string& classname, JudgeContext& context) {
      return judge_health(params_of<HealthParams>(check), check.name, classname, context.history.events());
    },
});

const bool k_restarts_registered = add_kind({
    .name = "restarts",
    .listed_at = 3,
    .keys = k_restarts_keys,
    .summary = "how many times the orchestrator restarted a service's instances (min, max)",
    .read = [](YamlReader& reader, const MapEntry& entry, const std::vector<Service>* services) {
      return as_params(read_restarts(reader, entry, services));
    },
    .generated_name = restarts_name,
    .judge = [](const Check& check, const std::string& classname, JudgeContext& context) {
      return judge_restarts(params_of<RestartsParams>(check), check.name, classname, context.history.events());
    },
});

const bool k_exit_registered = add_kind({
    .name = "exit",
    .listed_at = 4,
    .keys = k_exit_keys,
    .summary = "an instance of a service exited by itself, optionally with a code and a text in its log",
    .read = [](YamlReader& reader, const MapEntry& entry, const std::vector<Service>* services) {
      return as_params(read_exit(reader, entry, services));
    },
    .generated_name = exit_name,
    .judge = [](const Check& check, const std::string& classname, JudgeContext& context) {
      return judge_exit(params_of<ExitParams>(check), check.name, classname, context.history.events(),
                        context.logs_dir);
    },
});
}  // namespace

}  // namespace harness::check
