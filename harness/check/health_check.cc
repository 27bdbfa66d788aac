#include "harness/check/health_check.h"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <sstream>

#include "harness/check/check_kind.h"
#include "harness/check/instance_events.h"
#include "harness/history/event_type.h"
#include "harness/scenario/check_syntax.h"
#include "harness/scenario/duration.h"
#include "harness/scenario/service_reader.h"

namespace harness::check {

namespace {
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
    out << "probe at " << tenths(probes[i]->t) << " on " << probes[i]->service << ": "
        << (d.value("timed_out", false) ? std::string("timed out") : "exit " + std::to_string(d.value("exit_code", -1)))
        << " -> " << d.value("state", std::string{}) << "\n";
    const std::string output = d.value("output", std::string{});
    if (!output.empty()) out << "  " << output.substr(0, 300) << (output.back() == '\n' ? "" : "\n");
  }
  return probes.empty() ? "no health probe ran for '" + service + "'\n" : out.str();
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

// Where the judged period starts, and how the messages name it.
struct Anchor {
  double t0;
  std::string name;  // "the stack was ready" or "the first fault (KIND)"
};

// The anchor of a health check: the stack ready, or with `after: fault` the first fault to start; nullopt when
// `after: fault` but no fault started (then there is nothing the check can be judged against).
std::optional<Anchor> find_anchor(bool after_fault, const std::vector<history::Event>& history) {
  Anchor anchor{reference_time(history), "the stack was ready"};
  if (!after_fault) return anchor;
  const auto fault = std::find_if(history.begin(), history.end(), [](const history::Event& e) {
    return history::is(e, history::EventType::k_fault_start);
  });
  if (fault == history.end()) return std::nullopt;
  anchor.t0 = fault->t;
  anchor.name = "the first fault (" + fault->data.value("kind", std::string{"?"}) + ")";
  return anchor;
}

// The health state changes of the service to judge, in history order. After a fault: the changes from it on, and
// for never/always (which speak of the whole period) also the state each instance was in when it started (its
// last change before), those first, in time order.
std::vector<const history::Event*> judged_states(const HealthParams& spec, const std::vector<history::Event>& history,
                                                 double t0) {
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
  return states;
}

// "INSTANCE STATE at T, ..." (T from t0), or "no health state change": the evidence the details and messages quote.
std::string describe_states(const std::vector<const history::Event*>& states, double t0) {
  std::string seen;
  for (const auto* e : states) {
    seen += (seen.empty() ? "" : ", ") + e->service + " " + e->data.value("state", std::string{}) + " at " +
            tenths(e->t - t0);
  }
  if (seen.empty()) seen = "no health state change";
  return seen;
}

// The judgements of the three forms: each sets `v.outcome` and `v.message`, from the states to judge (see
// judged_states) and their description `seen`.

// `state` within `within`: passed by the first change to the state no later than `within` after the anchor.
void judge_within(const HealthParams& spec, const std::vector<const history::Event*>& states, const Anchor& anchor,
                  const std::string& seen, Verdict& v) {
  const double limit = std::chrono::duration<double>(*spec.within).count();
  for (const auto* e : states) {
    if (e->data.value("state", std::string{}) == spec.state && e->t - anchor.t0 <= limit) {
      v.outcome = Outcome::k_passed;
      v.message = e->service + " became " + spec.state + " " + tenths(e->t - anchor.t0) + " after " + anchor.name;
      return;
    }
  }
  v.outcome = Outcome::k_failed;
  v.message = "expected '" + spec.service + "' to become " + spec.state + " within " +
              scenario::format_duration(*spec.within) + "; it did not (" + seen + ")";
}

// `never`: failed by the first state that is it.
void judge_never(const HealthParams& spec, const std::vector<const history::Event*>& states, double t0,
                 const std::string& seen, Verdict& v) {
  for (const auto* e : states) {
    if (e->data.value("state", std::string{}) == spec.never) {
      v.outcome = Outcome::k_failed;
      v.message = "expected '" + spec.service + "' never to be " + spec.never + "; " + e->service + " was at " +
                  tenths(e->t - t0);
      return;
    }
  }
  v.outcome = Outcome::k_passed;
  v.message = "'" + spec.service + "' was never " + spec.never + " (" + seen + ")";
}

// `always`: once an instance reached the state, it never left it; and some instance reached it.
void judge_always(const HealthParams& spec, const std::vector<const history::Event*>& states, double t0,
                  const std::string& seen, Verdict& v) {
  std::map<std::string, bool> reached;
  for (const auto* e : states) {
    const std::string state = e->data.value("state", std::string{});
    if (state == spec.always) {
      reached[e->service] = true;
    } else if (reached.count(e->service)) {
      v.outcome = Outcome::k_failed;
      v.message = "expected '" + spec.service + "' to stay " + spec.always + "; " + e->service + " became " + state +
                  " at " + tenths(e->t - t0);
      return;
    }
  }
  if (reached.empty()) {
    v.outcome = Outcome::k_failed;
    v.message = "expected '" + spec.service + "' to be " + spec.always + " throughout; it never was (" + seen + ")";
    return;
  }
  v.outcome = Outcome::k_passed;
  v.message = "'" + spec.service + "' stayed " + spec.always + " (" + seen + ")";
}
}  // namespace

Verdict judge_health(const HealthParams& spec, const std::string& name, const std::string& classname,
                     const std::vector<history::Event>& history) {
  Verdict v;
  v.name = name;
  v.classname = classname;
  const auto anchor = find_anchor(spec.after_fault, history);
  if (!anchor) {
    v.outcome = Outcome::k_error;
    v.message = "'after: fault', but no fault started in this run";
    return v;
  }
  const double t0 = anchor->t0;
  const auto states = judged_states(spec, history, t0);
  const std::string seen = describe_states(states, t0);
  v.details = "states seen (after " + anchor->name + "): " + seen + "\n" + last_probes(history, spec.service);
  // Without `after: fault`, every probe counts (never/always judge every state change, whenever it happened).
  const auto why = spec.after_fault ? unprobed(history, spec.service, t0, !spec.within, " after " + anchor->name)
                                    : unprobed(history, spec.service, std::numeric_limits<double>::lowest(),
                                               !spec.within, "");
  if (!why.empty()) {
    v.outcome = Outcome::k_error;
    v.message = why;
    return v;
  }
  if (spec.within)
    judge_within(spec, states, *anchor, seen, v);
  else if (!spec.never.empty())
    judge_never(spec, states, t0, seen, v);
  else
    judge_always(spec, states, t0, seen, v);
  return v;
}

// The kind, registered.
namespace {
using namespace harness::scenario;

const std::vector<std::string_view> k_health_keys{"service", "state", "within", "never", "always", "after"};
const std::vector<std::string_view> k_health_anchors{"ready", "fault"};
const std::vector<std::string_view> k_health_forms{"state", "never", "always"};
const std::vector<std::string_view> k_health_states{"healthy", "unhealthy", "starting"};

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

std::string health_name(const KindParams& params) {
  const auto& health = params_as<HealthParams>(params);
  std::string name = "health " + health.service;
  const std::string after = health.after_fault ? " after the fault" : "";
  if (health.within) return name + " " + health.state + " within " + format_duration(*health.within) + after;
  if (!health.never.empty()) return name + " never " + health.never + after;
  return name + " always " + health.always + after;
}

const bool k_health_registered = add_kind({
    .name = "health",
    .listed_at = 2,
    .keys = k_health_keys,
    .summary = "a service's instances reach (within a time), never reach or always keep a Docker health state",
    .read = params_reader<read_health>,
    .generated_name = health_name,
}, {
    .judge = [](const Check& check, const std::string& classname, JudgeContext& context) {
      return judge_health(params_of<HealthParams>(check), check.name, classname, context.history.events());
    },
});
}  // namespace

}  // namespace harness::check
