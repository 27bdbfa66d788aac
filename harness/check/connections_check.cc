#include "harness/check/connections_check.h"

#include <algorithm>
#include <map>
#include <sstream>
#include <string_view>

#include "harness/check/check_kind.h"
#include "harness/history/event_type.h"
#include "harness/scenario/check_syntax.h"
#include "harness/util/time_format.h"

namespace harness::check {

Verdict judge_connections(const ConnectionsParams& check, const std::string& name,
                          const std::string& classname, const std::vector<history::Event>& events) {
  Verdict verdict{name, classname, Outcome::k_passed, {}, {}, {}};
  const std::string& state = check.never.empty() ? check.state : check.never;
  int samples = 0;
  int errors = 0;
  int most = 0;
  double most_at = 0;
  std::map<std::string, int> seen;  // every state seen: the most connections in it at once
  for (const auto& e : events) {
    if (!history::is(e, history::EventType::k_broker_sample) || e.service != check.broker) continue;
    if (!e.data.contains("connections")) {
      ++errors;
      continue;
    }
    ++samples;
    for (const auto& [s, count] : e.data["connections"].items()) {
      const int n = count.get<int>();
      seen[s] = std::max(seen[s], n);
      if (s == state && n > most) {
        most = n;
        most_at = e.t;
      }
    }
  }
  std::string states;
  for (const auto& [s, n] : seen) states += (states.empty() ? "" : ", ") + s + " (up to " + std::to_string(n) + ")";
  const std::string observed = std::to_string(samples) + " samples of broker '" + check.broker + "'" +
                               (errors ? " (" + std::to_string(errors) + " unanswered)" : std::string()) +
                               ", states seen: " + (states.empty() ? "none" : states);
  if (samples == 0) {
    verdict.outcome = Outcome::k_error;
    verdict.message = "no broker.sample of '" + check.broker + "' to judge (the harness samples RabbitMQ while the "
                      "steps run when a connections check or a broker fault is present)";
    return verdict;
  }
  if (!check.never.empty()) {
    if (seen.empty()) {
      // No client was connected in any sample: no connection could have been in any state.
      verdict.outcome = Outcome::k_error;
      verdict.message = "no connection to broker '" + check.broker + "' in any sample: 'never " + state +
                        "' has nothing to judge; " + observed;
      return verdict;
    }
    if (most > 0) {
      verdict.outcome = Outcome::k_failed;
      verdict.message = std::to_string(most) + " connection(s) " + state + " at " + util::short_seconds(most_at) +
                        " (expected never " + state + "); " + observed;
    } else {
      verdict.message = "never " + state + "; " + observed;
    }
    return verdict;
  }
  if (most >= check.min) {
    verdict.message = std::to_string(most) + " connection(s) " + state + " at " + util::short_seconds(most_at) + "; " +
                      observed;
  } else {
    verdict.outcome = Outcome::k_failed;
    verdict.message = "expected at least " + std::to_string(check.min) + " connection(s) " + state + " in a sample, " +
                      "saw at most " + std::to_string(most) + "; " + observed;
  }
  return verdict;
}

// The kind, registered.
namespace {
using namespace harness::scenario;

const std::vector<std::string_view> k_connections_keys{"broker", "state", "never", "min"};
const std::vector<std::string_view> k_connection_states{"running", "blocked", "blocking", "flow", "closed",
                                                        "starting", "tuning", "opening"};


// `connections: {broker, state, min}` or `{broker, never}`.
std::optional<ConnectionsParams> read_connections(YamlReader& reader, const MapEntry& entry,
                                                 const std::vector<Service>* services) {
  const std::string context = "connections check";
  auto map = read_map(reader, entry, "'connections' must be a map with 'broker' and 'state' (with 'min') or 'never'",
                      k_connections_keys, context);
  if (!map) return std::nullopt;
  ConnectionsParams connections;
  bool ok = read_check_broker(reader, *map, services, context, connections.broker);
  const MapEntry* state = map->find("state");
  const MapEntry* never = map->find("never");
  if (state && never) {
    const MapEntry* later = is_before(state->key_location, never->key_location) ? never : state;
    reader.error(later->key_location, "connections check has both 'state' and 'never' (expected exactly one)");
    ok = false;
  } else if (!state && !never) {
    reader.error(map->location(), "connections check needs 'state' or 'never'");
    ok = false;
  }
  if (state) assign_or_fail(read_choice(reader, *state, k_connection_states), connections.state, ok);
  if (never) assign_or_fail(read_choice(reader, *never, k_connection_states), connections.never, ok);
  if (const MapEntry* e = map->find("min")) {
    if (never) {
      reader.error(e->key_location, "connections check 'min' applies to 'state', not 'never'");
      ok = false;
    } else {
      assign_or_fail(read_int(reader, *e, 1), connections.min, ok);
    }
  }
  if (!ok) return std::nullopt;
  return connections;
}

std::string connections_name(const KindParams& params) {
  const auto& connections = params_as<ConnectionsParams>(params);
  if (!connections.never.empty()) return "connections " + connections.broker + " never " + connections.never;
  return "connections " + connections.broker + " " + connections.state + " >= " + std::to_string(connections.min);
}

const bool k_connections_registered = add_kind({
    .name = "connections",
    .listed_at = 7,
    .keys = k_connections_keys,
    .summary = "a RabbitMQ broker's client connections were (or never were) in a state while the steps ran",
    .read = params_reader<read_connections>,
    .generated_name = connections_name,
}, {
    .judge = [](const Check& check, const std::string& classname, JudgeContext& context) {
      return judge_connections(params_of<ConnectionsParams>(check), check.name, classname,
                               context.history.events());
    },
    .sampled_broker = [](const KindParams& params) { return params_as<ConnectionsParams>(params).broker; },
});
}  // namespace

}  // namespace harness::check
