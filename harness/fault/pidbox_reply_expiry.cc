// pidbox-reply-expiry: {broker, expires}  the policy '\.reply\.celery\.pidbox$' {"expires": ms} (priority 100):
// Celery's remote-control reply queues expire; cleared by deleting the policy (policy.h records it).
#include "harness/fault/pidbox_reply_expiry.h"

#include "harness/fault/fault_kind.h"
#include "harness/fault/policy.h"
#include "harness/scenario/fault_reader.h"

namespace harness::fault {

namespace {

constexpr const char* k_pidbox_pattern = R"(\.reply\.celery\.pidbox$)";
constexpr const char* k_pidbox_policy = "celery-chaos-pidbox-reply-expiry";
const std::vector<std::string_view> k_keys{"broker", "expires"};

std::optional<scenario::FaultStep> read(scenario::YamlReader& reader, const scenario::MapEntry& entry,
                                        const std::vector<scenario::Service>* services) {
  const std::string context = "pidbox-reply-expiry fault";
  auto map = scenario::read_map(reader, entry, "'pidbox-reply-expiry' must be a map with 'broker' and 'expires'",
                                k_keys, context);
  if (!map) return std::nullopt;
  scenario::FaultStep fault;
  PidboxReplyExpiryParams params;
  bool ok = scenario::read_broker(reader, *map, services, context, fault);
  if (const auto* e = map->require(reader, "expires", context))
    scenario::assign_or_fail(scenario::read_duration(reader, *e), params.expires, ok);
  else
    ok = false;
  if (!ok) return std::nullopt;
  fault.params = std::make_shared<PidboxReplyExpiryParams>(params);
  return fault;
}

util::Expected<std::shared_ptr<Clearer>> apply(const scenario::FaultStep& fault, stack::Stack& stack,
                                               history::History& history) {
  const auto& params = scenario::params_of<PidboxReplyExpiryParams>(fault);
  PolicyParams policy;
  policy.name = k_pidbox_policy;
  policy.pattern = k_pidbox_pattern;
  policy.definition = {{"expires", params.expires.value_or(std::chrono::milliseconds{1}).count()}};
  policy.priority = 100;
  return apply_policy(fault.service, policy, fault.kind, stack, history);
}

const bool k_registered = register_fault({.name = "pidbox-reply-expiry",
                                          .keys = k_keys,
                                          .summary = "policy '\\.reply\\.celery\\.pidbox$' {\"expires\": ms}; cleared "
                                                     "by deleting it",
                                          .read = read},
                                         apply);

}  // namespace

}  // namespace harness::fault
