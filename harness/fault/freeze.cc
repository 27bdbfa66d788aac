// freeze: {service, replica}  The engine's own pause of the instance(s): `docker pause`, the cgroup freezer (the
// docker driver: POST /containers/ID/pause; cleared by /unpause). Not `pause`, a SIGSTOP of the processes: a
// frozen container is paused for Docker too, which stops probing its health (moby daemon/health.go: no monitor
// while paused) and refuses execs in it, so a frozen worker never turns unhealthy while a paused one does. A team
// that hangs a worker with `docker pause` sees what `freeze` shows. Needs an engine: under the local driver the
// step is an error naming `pause`. Recorded: fault.start {kind, instances frozen}, fault.end {kind, instances
// thawed}; Docker's own pause/unpause are engine.event.
#include "harness/fault/fault_kind.h"
#include "harness/scenario/fault_reader.h"

namespace harness::fault {

namespace {

const std::vector<std::string_view> k_keys{"service", "replica"};

std::optional<scenario::FaultStep> read_freeze(scenario::YamlReader& reader, const scenario::MapEntry& entry,
                                              const std::vector<scenario::Service>* services) {
  return scenario::read_instance_fault(reader, entry, services, k_keys, "freeze fault");
}

// Thaws what was frozen; the names of those thawed.
nlohmann::json thaw(const std::vector<driver::Service*>& frozen) {
  nlohmann::json thawed = nlohmann::json::array();
  for (auto* s : frozen)
    if (s->freeze(false)) thawed.push_back(s->name());
  return thawed;
}

util::Expected<std::shared_ptr<Clearer>> apply_freeze(const scenario::FaultStep& fault, stack::Stack& stack,
                                                      history::History& history) {
  auto instances = fault_targets(stack, fault.service);
  if (!instances) return instances.error();
  std::vector<driver::Service*> frozen;
  nlohmann::json names = nlohmann::json::array();
  for (auto* s : *instances) {
    if (auto st = s->freeze(true); !st) {
      (void)thaw(frozen);  // all or none
      return util::Status::error(st.kind(), "freeze of " + s->name() + ": " + st.message());
    }
    frozen.push_back(s);
    names.push_back(s->name());
  }
  history.record(history::EventType::k_fault_start, fault.service,
                 with_choice(fault, {{"kind", "freeze"}, {"instances", names}}));
  return std::make_shared<Clearer>([frozen, service = fault.service, &history] {
    history.record(history::EventType::k_fault_end, service, {{"kind", "freeze"}, {"instances", thaw(frozen)}});
  });
}

const bool k_registered = register_fault({.name = "freeze",
                                          .keys = k_keys,
                                          .summary = "the engine's pause (docker pause, the cgroup freezer), unpause "
                                                     "to clear; needs the docker driver",
                                          .read = read_freeze},
                                         apply_freeze);

}  // namespace

}  // namespace harness::fault
