#include "harness/fault/fault_injector.h"

#include "harness/fault/fault_kind.h"

namespace harness::fault {

util::Registry<FaultKind>& registry() {
  static util::Registry<FaultKind> registry;  // built on first use: kinds register during static initialisation
  return registry;
}

bool register_fault(scenario::FaultSyntax syntax, ApplyFn apply) {
  registry().add({syntax.name, std::move(apply)});
  return scenario::fault_syntax().add(std::move(syntax));
}

util::Expected<std::shared_ptr<Clearer>> apply_fault(const scenario::FaultStep& fault, stack::Stack& stack,
                                                     history::History& history) {
  const FaultKind* kind = registry().find(fault.kind);
  if (!kind) return util::Status::invalid("fault '" + fault.kind + "' is not supported yet");
  return kind->apply(fault, stack, history);
}

nlohmann::json with_choice(const scenario::FaultStep& fault, nlohmann::json start) {
  if (!fault.chosen_from.empty()) start["chosen_from"] = fault.chosen_from;
  return start;
}

util::Expected<std::vector<driver::Service*>> fault_targets(const stack::Stack& stack, const std::string& service) {
  auto found = stack.instances(service);
  if (found.empty()) return util::Status::invalid("fault target '" + service + "' is not a service of this run");
  return found;
}

util::Expected<driver::Service*> service_of_kind(const stack::Stack& stack, const std::string& name,
                                                 const std::string& kind) {
  for (auto* s : stack.instances(name))
    if (s->kind() == kind) return s;
  return util::Status::invalid("'" + name + "' is not a " + kind + " service of this run");
}

}  // namespace harness::fault
