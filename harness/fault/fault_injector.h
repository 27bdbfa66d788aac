#pragma once
// Applies the faults of the catalogue to running services, and gives back their inverse. Every fault records
// `fault.start` (with what was observed on the service, not assumed) and, when cleared, `fault.end`.
// Faults are wrappers around the real thing (as LevelDB's fault-injection EnvWrapper): signals to the real
// instances through the driver, real RabbitMQ policies through the management API. Each kind lives in its own
// file and is found by name in fault::registry() (fault_kind.h).
#include <functional>
#include <memory>

#include "harness/history/history.h"
#include "harness/stack/stack.h"
#include "harness/scenario/model.h"

namespace harness::fault {

// The inverse of an applied fault; safe to call more than once (only the first call acts).
class Clearer {
public:
  explicit Clearer(std::function<void()> clear) : m_clear(std::move(clear)) {}
  void operator()() {
    if (m_clear) {
      auto clear = std::move(m_clear);
      m_clear = nullptr;
      clear();
    }
  }

private:
  std::function<void()> m_clear;
};

// Applies `fault` through its registered kind. A fault that cannot be applied (unknown kind or target,
// management API refused, its effect not observed) is a Status; the returned Clearer is empty-acting for faults
// without an inverse (kill, restarts, close-connections). The stack is not const: restarts and postgres-down
// stop and start services through it.
// REQUIRES: `stack` and `history` outlive the Clearer.
util::Expected<std::shared_ptr<Clearer>> apply_fault(const scenario::FaultStep& fault, stack::Stack& stack,
                                                     history::History& history);

// `start`, a fault.start event's data, with "chosen_from": the service whose instance the run chose at random
// (`replica: random`), so the History says which instance the seed picked and among what.
nlohmann::json with_choice(const scenario::FaultStep& fault, nlohmann::json start);

// The instances a fault on `service` (a scenario service or one instance) acts on; k_invalid_input when none:
// "fault target 'x' is not a service of this run".
util::Expected<std::vector<driver::Service*>> fault_targets(const stack::Stack& stack, const std::string& service);
// The instance of `name` of driver kind `kind` ("rabbitmq", "redis", "postgres"); k_invalid_input when there is
// none: "'x' is not a redis service of this run".
util::Expected<driver::Service*> service_of_kind(const stack::Stack& stack, const std::string& name,
                                                 const std::string& kind);

}  // namespace harness::fault
