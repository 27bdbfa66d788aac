// kill: {service, replica, target, signal: KILL}  signals the instance(s): their process group (default), main
// process or pool children; `replica: N` one instance, `replica: random` one chosen with the run's seed. No inverse: over once signalled (the restart policy's answer is recorded as
// service.* events). Recorded: fault.start {kind, signal, target, instances reached: names, or {instance, pids}
// for children, chosen_from with replica: random}, then fault.end {instant}. A SIGKILL of a group or main process
// returns once the harness sees each instance reached gone (or replaced), up to k_gone_within: a zombie is not yet
// reaped when the kernel has ended it, and a step right after the kill (an exec in the service) must not find it
// still "running". fault.end then says `gone: {INSTANCE: false}` for an instance that outlived the wait.
#include "harness/fault/kill.h"

#include <csignal>

#include "harness/fault/fault_kind.h"
#include "harness/process/cancellation.h"
#include "harness/process/exit_status.h"
#include "harness/scenario/fault_reader.h"

namespace harness::fault {

namespace {

constexpr std::chrono::seconds k_gone_within{5};

const std::vector<std::string_view> k_keys{"service", "replica", "target", "signal"};
const std::vector<std::string_view> k_targets{"group", "main", "children"};

driver::SignalTarget signal_target(const std::string& target) {
  if (target == "main") return driver::SignalTarget::k_main;
  if (target == "children") return driver::SignalTarget::k_children;
  return driver::SignalTarget::k_group;
}

std::optional<scenario::FaultStep> read_kill(scenario::YamlReader& reader, const scenario::MapEntry& entry,
                                             const std::vector<scenario::Service>* services) {
  scenario::FaultStep fault;
  KillParams params;
  std::optional<scenario::MapView> map;
  bool ok = scenario::read_instance_target(reader, entry, services, k_keys, "'service' and 'signal'", fault, map);
  if (map) {
    if (const auto* e = map->find("signal")) scenario::assign_or_fail(scenario::read_signal(reader, *e), params.signal, ok);
    if (const auto* e = map->find("target"))
      scenario::assign_or_fail(scenario::read_choice(reader, *e, k_targets), params.target, ok);
    if (const auto* e = map->find("replica")) ok = scenario::read_replica(reader, *e, services, ok, "kill fault", fault);
  }
  if (!ok) return std::nullopt;
  fault.params = std::make_shared<KillParams>(std::move(params));
  return fault;
}

// True once `instance` no longer runs the process it ran as `before` (its identity): it exited, or the restart
// policy already replaced it. False after k_gone_within, or at once on Ctrl-C.
bool wait_gone(const driver::Service& instance, const nlohmann::json& before) {
  const process::Deadline deadline(k_gone_within);
  while (instance.running() && instance.identity() == before) {
    if (deadline.expired() || !deadline.sleep_for(std::chrono::milliseconds{10})) return false;
  }
  return true;
}

util::Expected<std::shared_ptr<Clearer>> apply_kill(const scenario::FaultStep& fault, stack::Stack& stack,
                                                    history::History& history) {
  const auto& params = scenario::params_of<KillParams>(fault);
  auto instances = fault_targets(stack, fault.service);
  if (!instances) return instances.error();
  const auto target = signal_target(params.target);
  const bool ends_them = params.signal == SIGKILL && target != driver::SignalTarget::k_children;
  nlohmann::json reached = nlohmann::json::array();
  std::vector<std::pair<driver::Service*, nlohmann::json>> ended;
  for (auto* s : *instances) {
    const auto before = s->identity();
    const auto result = s->signal(target, params.signal);
    if (!result.delivered) continue;
    if (target == driver::SignalTarget::k_children)
      reached.push_back({{"instance", s->name()}, {"pids", result.processes}});
    else
      reached.push_back(s->name());
    if (ends_them) ended.emplace_back(s, before);
  }
  history.record(history::EventType::k_fault_start, fault.service,
                 with_choice(fault, {{"kind", "kill"}, {"signal", process::signal_name(params.signal)},
                                     {"target", params.target}, {"instances", reached}}));
  nlohmann::json end = {{"kind", "kill"}, {"instant", true}};
  for (const auto& [s, before] : ended)
    if (!wait_gone(*s, before)) end["gone"][s->name()] = false;
  history.record(history::EventType::k_fault_end, fault.service, std::move(end));
  return std::make_shared<Clearer>(nullptr);
}

const bool k_registered = register_fault({.name = "kill",
                                          .keys = k_keys,
                                          .summary = "signal the instance(s)' process group, main process or pool "
                                                     "children",
                                          .no_inverse = "it has no inverse",
                                          .read = read_kill},
                                         apply_kill);

}  // namespace

}  // namespace harness::fault
