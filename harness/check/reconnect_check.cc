#include "harness/check/reconnect_check.h"

#include <algorithm>
#include <map>
#include <optional>

#include "harness/check/check_kind.h"
#include "harness/check/instance_events.h"
#include "harness/history/event_type.h"
#include "harness/scenario/check_syntax.h"
#include "harness/scenario/duration.h"
#include "harness/util/time_format.h"

namespace harness::check {

namespace {

// The first fault.start on `to` (the service or one of its instances).
const history::Event* first_fault(const std::vector<history::Event>& history, const std::string& to) {
  for (const auto& e : history)
    if (history::is(e, history::EventType::k_fault_start) && instance_of(e.service, to)) return &e;
  return nullptr;
}

// Whether the fault reached client `client`: a network fault `from:` one client reaches that one only, a partition
// the client instances it cut (`clients`).
bool reached(const history::Event& fault, const std::string& client) {
  if (const auto clients = fault.data.find("clients"); clients != fault.data.end() && clients->is_array())
    return std::find(clients->begin(), clients->end(), client) != clients->end();
  const std::string from = fault.data.value("from", std::string{});
  return from.empty() || from == "every client" || from == client;
}

std::string seconds(double s) { return util::short_seconds(s); }

}  // namespace

Verdict judge_reconnect(const ReconnectParams& spec, const std::string& name, const std::string& classname,
                        const std::vector<history::Event>& history) {
  Verdict v;
  v.name = name;
  v.classname = classname;
  const history::Event* fault_event = first_fault(history, spec.to);
  if (!fault_event) {
    v.outcome = Outcome::k_error;
    v.message = "no fault on '" + spec.to + "' to measure the reconnection from";
    return v;
  }
  const std::optional<double> fault = fault_event->t;
  // Per client instance of `service`: whether it was connected to `to`, and its first connection after the fault.
  std::map<std::string, std::optional<double>> reconnected;
  for (const auto& e : history) {
    if (!history::is(e, history::EventType::k_net_connect) || e.service != spec.to) continue;
    const std::string client = e.data.value("client", std::string{});
    if (!instance_of(client, spec.service) || !reached(*fault_event, client)) continue;
    auto& first = reconnected[client];
    if (e.t > *fault && !first) first = e.t;
  }
  if (reconnected.empty()) {
    v.outcome = Outcome::k_error;
    v.message = "no connection of '" + spec.service + "' to '" + spec.to +
                "' through the fault proxy (is '" + spec.to + "' proxied?)";
    return v;
  }
  const double within = std::chrono::duration<double>(spec.within).count();
  std::string failures;
  for (const auto& [client, at] : reconnected) {
    if (at) v.details += client + " reconnected at " + seconds(*at) + ", " + seconds(*at - *fault) + " after the fault\n";
    if (!at)
      failures += (failures.empty() ? "" : "; ") + client + " did not reconnect";
    else if (*at - *fault > within)
      failures += (failures.empty() ? "" : "; ") + client + " reconnected after " + seconds(*at - *fault);
  }
  const std::string expected = "within " + scenario::format_duration(spec.within) + " of the fault at " + seconds(*fault);
  v.outcome = failures.empty() ? Outcome::k_passed : Outcome::k_failed;
  v.message = failures.empty() ? "every '" + spec.service + "' instance reconnected to '" + spec.to + "' " + expected
                               : failures + " (expected " + expected + ")";
  return v;
}

namespace {
using namespace harness::scenario;

const std::vector<std::string_view> k_reconnect_keys{"service", "to", "within"};

std::optional<ReconnectParams> read_reconnect(YamlReader& reader, const MapEntry& entry,
                                              const std::vector<Service>* services) {
  const std::string context = "reconnect check";
  auto map = read_map(reader, entry, "'reconnect' must be a map with 'service', 'to' and 'within'", k_reconnect_keys,
                      context);
  if (!map) return std::nullopt;
  ReconnectParams reconnect;
  bool ok = true;
  read_check_service(reader, *map, services, context, reconnect.service, ok);
  if (const MapEntry* to = map->find("to")) {
    assign_or_fail(read_nonempty_string(reader, *to), reconnect.to, ok);
    if (ok && services && !reconnect.to.empty()) {
      bool known = false;
      for (const auto& s : *services) known |= s.name == reconnect.to;
      if (!known) {
        reader.error(to->location, context + " 'to' names unknown service " + quote(reconnect.to));
        ok = false;
      }
    }
  } else {
    reader.error(map->location(), context + " needs 'to' (the proxied service)");
    ok = false;
  }
  if (const MapEntry* within = map->find("within")) assign_or_fail(read_duration(reader, *within), reconnect.within, ok);
  if (!ok) return std::nullopt;
  return reconnect;
}

std::string reconnect_name(const KindParams& params) {
  const auto& reconnect = params_as<ReconnectParams>(params);
  return "reconnect " + reconnect.service + " to " + reconnect.to + " within " +
         scenario::format_duration(reconnect.within);
}

const bool k_reconnect_registered = add_kind({
    .name = "reconnect",
    .listed_at = 8,
    .keys = k_reconnect_keys,
    .summary = "every instance reconnects to a proxied service within a time of the fault (net.connect events)",
    .read = params_reader<read_reconnect>,
    .generated_name = reconnect_name,
}, {
    .judge = [](const Check& check, const std::string& classname, JudgeContext& context) {
      return judge_reconnect(params_of<ReconnectParams>(check), check.name, classname, context.history.events());
    },
});
}  // namespace

}  // namespace harness::check
