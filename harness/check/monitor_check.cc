#include "harness/check/monitor_check.h"

#include <algorithm>

#include "harness/check/check_kind.h"
#include "harness/check/instance_events.h"
#include "harness/history/event_type.h"
#include "harness/scenario/check_syntax.h"
#include "harness/scenario/duration.h"
#include "harness/scenario/fault_reader.h"
#include "harness/scenario/service_reader.h"

namespace harness::check {

namespace {
bool about(const history::Event& e, const std::string& service) { return instance_of(e.service, service); }

// The first fault on `service` or on what it belongs to (a fault on `worker` reaches `worker.1`); nullptr if none.
const history::Event* first_fault(const std::vector<history::Event>& history, const std::string& service) {
  for (const auto& e : history) {
    if (!history::is(e, history::EventType::k_fault_start) || e.service.empty()) continue;
    if (instance_of(e.service, service) || instance_of(service, e.service)) return &e;
  }
  return nullptr;
}

// ", its last heartbeat 4.1s before that" from a monitor.status event (the monitor's own clock), or "".
std::string silence(const history::Event& status) {
  const auto& d = status.data;
  if (!d.contains("at") || !d.contains("last_heartbeat") || !d["at"].is_number() || !d["last_heartbeat"].is_number())
    return {};
  return ", its last heartbeat " + tenths(d["at"].get<double>() - d["last_heartbeat"].get<double>()) + " before that";
}

// "worker.1 online at 3.2s, worker.1 offline at 17.5s", or "no status change".
std::string describe(const std::vector<const history::Event*>& statuses) {
  std::string seen;
  for (const auto* e : statuses)
    seen += (seen.empty() ? "" : ", ") + e->service + " " + e->data.value("status", std::string{}) + " at " +
            tenths(e->t);
  return seen.empty() ? "no status change" : seen;
}

// `offline: true` with `within`: the first offline status from the first fault on, no later than `within` after it.
void judge_within(const MonitorParams& spec, const std::vector<const history::Event*>& statuses,
                  const history::Event& fault, const std::string& seen, Verdict& v) {
  const double limit = std::chrono::duration<double>(*spec.within).count();
  const std::string anchor = "the first fault (" + fault.data.value("kind", std::string{"?"}) + " at " +
                             tenths(fault.t) + ")";
  for (const auto* e : statuses) {
    if (e->data.value("status", std::string{}) != "offline" || e->t < fault.t) continue;
    if (e->t - fault.t > limit) break;
    v.outcome = Outcome::k_passed;
    v.message = e->service + " seen offline " + tenths(e->t - fault.t) + " after " + anchor + silence(*e);
    return;
  }
  v.outcome = Outcome::k_failed;
  v.message = "expected '" + spec.service + "' to be seen offline within " + scenario::format_duration(*spec.within) +
              " of " + anchor + "; it was not (" + seen + ")";
}

// `offline: true` without `within` (some offline status), or `offline: false` (none).
void judge_ever(const MonitorParams& spec, const std::vector<const history::Event*>& statuses,
                const std::string& seen, Verdict& v) {
  const auto offline = std::find_if(statuses.begin(), statuses.end(), [](const history::Event* e) {
    return e->data.value("status", std::string{}) == "offline";
  });
  if (offline == statuses.end()) {
    v.outcome = spec.offline ? Outcome::k_failed : Outcome::k_passed;
    v.message = spec.offline ? "expected '" + spec.service + "' to be seen offline; it never was (" + seen + ")"
                             : "'" + spec.service + "' was never seen offline (" + seen + ")";
    return;
  }
  const history::Event& e = **offline;
  v.outcome = spec.offline ? Outcome::k_passed : Outcome::k_failed;
  v.message = spec.offline ? e.service + " seen offline at " + tenths(e.t) + silence(e)
                           : "expected '" + spec.service + "' never to be seen offline; " + e.service + " was at " +
                                 tenths(e.t) + silence(e);
}
}  // namespace

Verdict judge_monitor(const MonitorParams& spec, const std::string& name, const std::string& classname,
                      const std::vector<history::Event>& history) {
  Verdict v;
  v.name = name;
  v.classname = classname;
  std::vector<const history::Event*> statuses;
  bool seen_at_all = false;
  for (const auto& e : history) {
    if (!about(e, spec.service)) continue;
    if (history::is(e, history::EventType::k_monitor_status)) statuses.push_back(&e);
    seen_at_all |= history::is(e, history::EventType::k_monitor_worker) || !statuses.empty();
  }
  if (!seen_at_all) {
    v.outcome = Outcome::k_error;
    v.message = "no celery-monitor saw '" + spec.service + "' (no event of its instances): nothing to judge";
    return v;
  }
  const std::string seen = describe(statuses);
  v.details = "statuses seen: " + seen + "\n";
  if (!spec.within) {
    judge_ever(spec, statuses, seen, v);
    return v;
  }
  const history::Event* fault = first_fault(history, spec.service);
  if (!fault) {
    v.outcome = Outcome::k_error;
    v.message = "'within' counts from the first fault on '" + spec.service + "', but none started";
    return v;
  }
  judge_within(spec, statuses, *fault, seen, v);
  return v;
}

// The kind, registered.
namespace {
using namespace harness::scenario;

const std::vector<std::string_view> k_monitor_keys{"service", "offline", "within"};

// `service:` a celery-worker service or instance that some celery-monitor watches. False after reporting.
bool read_watched_worker(YamlReader& reader, const MapView& map, const std::vector<Service>* services,
                         std::string& field) {
  const MapEntry* e = map.require(reader, "service", "monitor check");
  auto name = e ? read_nonempty_string(reader, *e) : std::nullopt;
  if (!name) return false;
  field = *name;
  if (!services) return true;
  if (!check_target(reader, *services, *name, e->location, "monitor check")) return false;
  const std::string base = name->substr(0, name->find('.'));  // check_target: the service or NAME.N of one
  const Service* worker = &*std::find_if(services->begin(), services->end(), [&](const Service& s) { return s.name == base; });
  if (worker->kind != ServiceKind::k_celery_worker) {
    reader.error(e->location, "service " + quote(*name) + " of monitor check is a " + to_string(worker->kind) +
                                  " service (expected celery-worker)");
    return false;
  }
  const bool watched = std::any_of(services->begin(), services->end(), [&](const Service& s) {
    return s.kind == ServiceKind::k_celery_monitor &&
           std::find(s.watch.begin(), s.watch.end(), worker->name) != s.watch.end();
  });
  if (!watched) {
    reader.error(e->location, "monitor check on " + quote(*name) + ", but no celery-monitor service watches " +
                                  quote(worker->name) + " (add one: {kind: celery-monitor, broker: " +
                                  (worker->broker.empty() ? "BROKER" : worker->broker) + "})");
    return false;
  }
  return true;
}

std::optional<MonitorParams> read_monitor(YamlReader& reader, const MapEntry& entry,
                                          const std::vector<Service>* services) {
  const std::string context = "monitor check";
  auto map = read_map(reader, entry, "'monitor' must be a map with 'service' and 'offline' (and 'within')",
                      k_monitor_keys, context);
  if (!map) return std::nullopt;
  MonitorParams monitor;
  bool ok = read_watched_worker(reader, *map, services, monitor.service);
  if (const MapEntry* offline = map->require(reader, "offline", context))
    assign_or_fail(read_bool(reader, *offline), monitor.offline, ok);
  else
    ok = false;
  if (const MapEntry* within = map->find("within")) {
    assign_or_fail(read_duration(reader, *within), monitor.within, ok);
    if (ok && !monitor.offline) {
      reader.error(within->key_location, "monitor check has 'within' with 'offline: false' (never offline holds "
                                         "for the whole run)");
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return monitor;
}

std::string monitor_name(const KindParams& params) {
  const auto& monitor = params_as<MonitorParams>(params);
  if (!monitor.offline) return "monitor " + monitor.service + " never offline";
  return "monitor " + monitor.service + " offline" +
         (monitor.within ? " within " + format_duration(*monitor.within) : std::string{});
}

const bool k_monitor_registered = add_kind({
    .name = "monitor",
    .listed_at = 9,
    .keys = k_monitor_keys,
    .summary = "a celery-monitor sees a worker offline (stale heartbeats, as Flower), within a time of the fault, or never",
    .read = params_reader<read_monitor>,
    .generated_name = monitor_name,
}, {
    .judge = [](const Check& check, const std::string& classname, JudgeContext& context) {
      return judge_monitor(params_of<MonitorParams>(check), check.name, classname, context.history.events());
    },
});
}  // namespace

}  // namespace harness::check
