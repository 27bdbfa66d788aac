#pragma once
// Pipelining a suite: the next scenario's RabbitMQ boots while the current scenario runs.
//
// A RabbitMQ node takes 5-6 s to boot (measured on Debian 12, RabbitMQ 3.10), most of it one CPU-bound Erlang thread loading
// modules, while the rest of a stack is ready in about a second after it. In a suite run one scenario at a time,
// that boot was a quarter of a typical scenario's wall time, while the running scenario mostly waits on its own
// timeline. Each scenario still gets its own broker, ports, credentials and run id: only the broker's start moves
// earlier, and its own run records it (service.prestarted {ahead_s, niced, restored}).
//
// The early boot runs at the lowest CPU priority (nice 19, every thread of its process group), so that the
// running scenario keeps the CPU; it is handed over at normal priority. It is niced only where the harness
// has just shown it can restore a priority (can_restore_priority); elsewhere (root without CAP_SYS_NICE, as in
// most containers; a user without RLIMIT_NICE) it boots at normal priority rather than leave a scenario a
// broker at nice 19.
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/driver/driver.h"
#include "harness/scenario/model.h"

namespace harness::run {

class Prestart {
public:
  // Creates the scenario's services with `driver` (ports and names allocated, as its run would) and starts
  // those worth starting early: RabbitMQ nodes. Null when the scenario has none, or when creating or starting
  // them fails: the scenario's own run then does it again and reports why. REQUIRES: `driver` outlives the
  // Prestart (its destructor sweeps through it).
  static std::unique_ptr<Prestart> begin(const scenario::Scenario& scenario, const driver::RunPaths& paths,
                                         driver::Driver& driver);
  // Services never handed over are killed and swept (their run id), their work dir removed.
  ~Prestart();
  Prestart(const Prestart&) = delete;
  Prestart& operator=(const Prestart&) = delete;

  struct Handover {
    std::vector<std::unique_ptr<driver::Service>> services;  // every service of the scenario
    std::set<const driver::Service*> running;                // those started early (Stack::adopt_running)
    std::vector<nlohmann::json> notes;  // one per started service: {service, pid, ahead_s, niced, restored}
  };
  // Hands the services over to the scenario's run, the early ones back at normal CPU priority. Once.
  Handover take();

  const driver::RunPaths& paths() const { return m_paths; }

private:
  Prestart() = default;

  struct Early {
    const driver::Service* service = nullptr;
    std::chrono::steady_clock::time_point started;
    bool niced = false;
  };
  driver::Driver* m_driver = nullptr;
  driver::RunPaths m_paths;
  std::vector<std::unique_ptr<driver::Service>> m_services;
  std::vector<Early> m_early;
  bool m_taken = false;
};

// Whether this process can lower a nice value back to its own: tried on a thread of its own (raised one step,
// lowered back, read back). False when it is already at the lowest priority.
bool can_restore_priority();

}  // namespace harness::run
