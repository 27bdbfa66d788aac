#include "harness/run/prestart.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "harness/process/child_process.h"
#include "harness/process/owner.h"
#include "harness/scenario/network.h"

namespace harness::run {

namespace {
constexpr int k_lowest_priority = 19;

// The nice value of this process (getpriority returns -1 both as a value and as an error).
int own_nice() {
  errno = 0;
  const int value = ::getpriority(PRIO_PROCESS, 0);
  return errno == 0 ? value : 0;
}

// The nice value of the calling thread.
int own_thread_nice() {
  errno = 0;
  const int value = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()));
  return errno == 0 ? value : 0;
}

// Only RabbitMQ takes seconds to boot; Redis answers in < 0.1 s, PostgreSQL copies a template in ~0.4 s, and
// workers need their broker.
bool worth_starting_early(const driver::Service& service) { return service.kind() == "rabbitmq"; }
}  // namespace

bool can_restore_priority() {
  const int normal = own_nice();
  if (normal >= k_lowest_priority) return false;  // nothing lower to go to
  // Tried rather than deduced: root in a container usually lacks CAP_SYS_NICE (Docker's and podman's default
  // capability sets drop it), and then may raise a nice value but not lower it again; RLIMIT_NICE, seccomp or an
  // LSM may allow or forbid it too. Linux keeps a nice value per thread, so a thread of our own, raised one step
  // and then lowered back, answers for the whole process without touching anything else.
  bool restored = false;
  std::thread probe([&] {
    const auto tid = static_cast<id_t>(::gettid());
    if (::setpriority(PRIO_PROCESS, tid, normal + 1) != 0) return;
    restored = ::setpriority(PRIO_PROCESS, tid, normal) == 0 && own_thread_nice() == normal;
  });
  probe.join();
  return restored;
}

std::unique_ptr<Prestart> Prestart::begin(const scenario::Scenario& scenario, const driver::RunPaths& paths,
                                          driver::Driver& driver) {
  bool any = false;
  for (const auto& spec : scenario.services) any |= spec.kind == scenario::ServiceKind::k_rabbitmq;
  if (!any) return nullptr;
  // Its clients' addresses depend on the run's fault proxy, which only the run itself creates (runner.cc).
  if (!scenario::proxied_services(scenario).empty()) return nullptr;
  std::unique_ptr<Prestart> prestart(new Prestart);
  prestart->m_driver = &driver;
  prestart->m_paths = paths;
  auto services = driver.create_services(scenario, paths);
  if (!services) return nullptr;  // the destructor removes the work dir
  prestart->m_services = std::move(services.value());
  const bool nice = can_restore_priority();
  // Its processes belong to its own run (swept with it), not to the scenario running now.
  process::OwnerMark::ScopedRunId mark(paths.run_id, paths.environment);
  for (const auto& service : prestart->m_services) {
    if (!worth_starting_early(*service)) continue;
    // A health check and a restart policy are handed to the engine at start (the docker driver's HEALTHCHECK and
    // RestartPolicy), once the run has set them: such a broker boots with its scenario.
    if (const auto* spec = scenario.find_service(service->scenario_service());
        spec && (spec->healthcheck || spec->restart != "no"))
      continue;
    if (!service->start()) return nullptr;
    Early early{service.get(), std::chrono::steady_clock::now(), false};
    // The launcher's process group: the launcher script, and beam.smp with every thread it has so far (Linux
    // applies PRIO_PGRP to each thread); what they start later inherits it.
    if (nice) early.niced = service->set_priority(k_lowest_priority);
    prestart->m_early.push_back(early);
  }
  return prestart;
}

Prestart::Handover Prestart::take() {
  Handover handover;
  const auto now = std::chrono::steady_clock::now();
  const int normal = own_nice();
  for (const auto& early : m_early) {
    nlohmann::json note = {{"service", early.service->name()}};
    note.update(early.service->identity());  // {"pid": N} for a local process
    note.update({{"ahead_s", std::chrono::duration<double>(now - early.started).count()}, {"niced", early.niced}});
    if (early.niced) note["restored"] = early.service->set_priority(normal);
    handover.notes.push_back(std::move(note));
    handover.running.insert(early.service);
  }
  handover.services = std::move(m_services);
  m_taken = true;
  return handover;
}

Prestart::~Prestart() {
  if (m_taken) return;
  m_services.clear();  // each service's destructor kills its process group
  (void)m_driver->kill_leftovers(m_paths.run_id);  // what escaped their groups; nobody records it
  std::error_code ec;
  std::filesystem::remove_all(m_paths.work_dir, ec);
  // The scenario never ran: its report folder would hold nothing but the early broker's log.
  std::filesystem::remove_all(m_paths.logs_dir, ec);
  std::filesystem::remove(m_paths.logs_dir.parent_path(), ec);  // only if empty
}

}  // namespace harness::run
