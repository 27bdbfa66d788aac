// policy: {broker, name, pattern, definition, priority, apply_to}  a RabbitMQ policy through the management API;
// observed by reading it back; cleared by deleting it.
#include "harness/fault/policy.h"

#include "harness/datastore/rabbitmq_management.h"
#include "harness/fault/fault_kind.h"
#include "harness/scenario/fault_reader.h"

namespace harness::fault {

util::Expected<std::shared_ptr<Clearer>> apply_policy(const std::string& broker, const PolicyParams& policy,
                                                      const std::string& kind, const stack::Stack& stack,
                                                      history::History& history) {
  auto m = datastore::ManagementApi::of(stack.placeholders(), broker);
  if (!m) return m.error();
  const std::string path = "/api/policies/%2F/" + datastore::url_encode(policy.name);
  const nlohmann::json body = {{"pattern", policy.pattern},
                               {"definition", policy.definition},
                               {"priority", policy.priority},
                               {"apply-to", policy.apply_to}};
  auto put = m->call("PUT", path, body.dump());
  if (!put) return put.error();
  if (put->status / 100 != 2) {
    return util::Status::infrastructure("RabbitMQ refused policy '" + policy.name + "': HTTP " +
                                        std::to_string(put->status) + " " + put->body);
  }
  // Observed, not assumed: read the policy back.
  auto got = m->call("GET", path);
  const bool observed = got && got->status == 200;
  history.record(history::EventType::k_fault_start, broker,
                 {{"kind", kind}, {"policy", policy.name}, {"pattern", policy.pattern},
                  {"definition", policy.definition}, {"priority", policy.priority}, {"observed", observed}});
  return std::make_shared<Clearer>([mgmt = *m, path, name = policy.name, kind, broker, &history] {
    auto deleted = mgmt.call("DELETE", path);
    history.record(history::EventType::k_fault_end, broker,
                   {{"kind", kind}, {"policy", name}, {"removed", deleted && deleted->status / 100 == 2}});
  });
}

namespace {

const std::vector<std::string_view> k_keys{"broker", "name", "pattern", "definition", "priority", "apply_to"};
const std::vector<std::string_view> k_apply_to{"queues", "exchanges", "all"};

bool read_definition(scenario::YamlReader& reader, const scenario::MapEntry& e, nlohmann::json& definition) {
  if (!e.value.IsMap()) {
    reader.error(e.location, "'definition' must be a map of policy keys (e.g. {max-length: 1000}), got " +
                                 scenario::describe(e.value));
    return false;
  }
  auto json = scenario::read_json(reader, e.value, "definition");
  if (!json) return false;
  definition = std::move(*json);
  if (definition.empty()) {  // RabbitMQ: "no policy provided"
    reader.error(e.location, "'definition' must not be empty (expected policy keys, e.g. {max-length: 1000})");
    return false;
  }
  return true;
}

std::optional<scenario::FaultStep> read_policy(scenario::YamlReader& reader, const scenario::MapEntry& entry,
                                               const std::vector<scenario::Service>* services) {
  const std::string context = "policy fault";
  auto map = scenario::read_map(reader, entry, "'policy' must be a map with 'broker', 'name', 'pattern' and "
                                "'definition'", k_keys, context);
  if (!map) return std::nullopt;
  scenario::FaultStep fault;
  PolicyParams params;
  bool ok = scenario::read_broker(reader, *map, services, context, fault);
  const auto required_string = [&](std::string_view key, std::string& field) {
    const scenario::MapEntry* e = map->require(reader, key, context);
    auto value = e ? scenario::read_nonempty_string(reader, *e) : std::nullopt;
    if (value)
      field = *value;
    else
      ok = false;
  };
  required_string("name", params.name);
  // RabbitMQ matches policy patterns with Erlang's re (PCRE); std::regex is not that dialect, so the pattern is
  // left to RabbitMQ, which refuses a bad one when the fault is applied.
  required_string("pattern", params.pattern);
  const scenario::MapEntry* definition = map->require(reader, "definition", context);
  if (!definition || !read_definition(reader, *definition, params.definition)) ok = false;
  if (const auto* e = map->find("priority")) scenario::assign_or_fail(scenario::read_int(reader, *e, 0), params.priority, ok);
  if (const auto* e = map->find("apply_to"))
    scenario::assign_or_fail(scenario::read_choice(reader, *e, k_apply_to), params.apply_to, ok);
  if (!ok) return std::nullopt;
  fault.params = std::make_shared<PolicyParams>(std::move(params));
  return fault;
}

util::Expected<std::shared_ptr<Clearer>> apply(const scenario::FaultStep& fault, stack::Stack& stack,
                                               history::History& history) {
  return apply_policy(fault.service, scenario::params_of<PolicyParams>(fault), fault.kind, stack, history);
}

const bool k_registered = register_fault({.name = "policy",
                                          .keys = k_keys,
                                          .summary = "a RabbitMQ policy; cleared by deleting it",
                                          .read = read_policy},
                                         apply);

}  // namespace

}  // namespace harness::fault
