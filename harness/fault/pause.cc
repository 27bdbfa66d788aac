// pause: {service, replica}  SIGSTOP to every process of the instance(s) (their process groups, as `docker pause`
// freezes a container; `replica: N` one instance, `replica: random` one chosen with the run's seed); cleared by
// SIGCONT. Recorded: fault.start {kind, signal, target, instances reached, chosen_from with replica: random},
// fault.end {kind, instances resumed}.
#include <signal.h>

#include "harness/fault/fault_kind.h"
#include "harness/process/exit_status.h"
#include "harness/scenario/fault_reader.h"

namespace harness::fault {

namespace {

const std::vector<std::string_view> k_keys{"service", "replica"};

// The instances `sig` reached, by name.
nlohmann::json signal_group(const std::vector<driver::Service*>& instances, int sig) {
  nlohmann::json reached = nlohmann::json::array();
  for (auto* s : instances)
    if (s->signal(driver::SignalTarget::k_group, sig).delivered) reached.push_back(s->name());
  return reached;
}

std::optional<scenario::FaultStep> read_pause(scenario::YamlReader& reader, const scenario::MapEntry& entry,
                                              const std::vector<scenario::Service>* services) {
  return scenario::read_instance_fault(reader, entry, services, k_keys, "pause fault");
}

util::Expected<std::shared_ptr<Clearer>> apply_pause(const scenario::FaultStep& fault, stack::Stack& stack,
                                                     history::History& history) {
  auto instances = fault_targets(stack, fault.service);
  if (!instances) return instances.error();
  history.record(history::EventType::k_fault_start, fault.service,
                 with_choice(fault, {{"kind", "pause"}, {"signal", process::signal_name(SIGSTOP)}, {"target", "group"},
                                     {"instances", signal_group(*instances, SIGSTOP)}}));
  return std::make_shared<Clearer>([list = *instances, service = fault.service, &history] {
    history.record(history::EventType::k_fault_end, service,
                   {{"kind", "pause"}, {"instances", signal_group(list, SIGCONT)}});
  });
}

const bool k_registered = register_fault({.name = "pause",
                                          .keys = k_keys,
                                          .summary = "SIGSTOP the instance(s), SIGCONT to clear",
                                          .read = read_pause},
                                         apply_pause);

}  // namespace

}  // namespace harness::fault
