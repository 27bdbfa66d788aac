#include "harness/run/exec.h"

#include <thread>

#include "harness/process/cancellation.h"
#include "harness/process/child_process.h"

namespace harness::run {

namespace {
constexpr size_t k_output_tail = 4096;
constexpr auto k_replacement_noticed_within = std::chrono::seconds{3};

// The instance `service`'s command runs in: the running one, or the replacement the orchestrator is bringing (as a
// `docker exec` asked again would), waited for no longer than `deadline`. Null when none runs. `replaced`: the
// instance at the generation a command already ran in, which does not count (its replacement is waited for).
struct Ran {
  const driver::Service* instance = nullptr;
  int generation = 0;
};
const driver::Service* instance_for(const std::string& service, const stack::Stack& stack,
                                    const process::Deadline& deadline, Ran replaced = {}) {
  const auto usable = [&](const driver::Service* s) {
    return s != nullptr && !(s == replaced.instance && stack.generation(s) == replaced.generation);
  };
  const driver::Service* instance = stack.running_instance(service);
  while (!usable(instance) && (instance != nullptr || stack.restart_pending(service)) && !deadline.expired()) {
    if (!deadline.sleep_for(std::chrono::milliseconds{100})) break;  // Ctrl-C: no wait for the replacement
    instance = stack.running_instance(service);
  }
  return usable(instance) ? instance : nullptr;
}

// A command the stop of its instance took with it: killed by a signal, or refused by the engine (126: the
// container was stopping).
bool died_with_its_instance(const process::CommandResult& result) {
  return result.status && (result.status->signal != 0 || result.status->code == 126);
}
// Whether the orchestrator replaced `instance` (or is replacing it) while a command ran in it. A command killed with
// its container can come back before the orchestrator has seen the container end (under the swarm driver Swarm
// kills the task, and the harness sees the task end at its next look, every 100 ms): it is given a moment to.
bool replaced_while_it_ran(const std::string& service, const driver::Service& instance, int generation,
                           const stack::Stack& stack) {
  const auto until = std::chrono::steady_clock::now() + k_replacement_noticed_within;
  while (true) {
    if (stack.generation(&instance) != generation || stack.restart_pending(service)) return true;
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds{100});
  }
}
}  // namespace

util::Expected<history::Event> run_exec(const std::string& id, const std::string& command, const std::string& service,
                               std::chrono::milliseconds timeout, const stack::Stack& stack, history::History& history) {
  process::SpawnOptions options;
  const driver::Service* instance = nullptr;
  const process::Deadline deadline(timeout);
  if (!service.empty()) {
    if (stack.instances(service).empty()) return util::Status::invalid("exec in unknown service '" + service + "'");
    instance = instance_for(service, stack, deadline);
    if (instance == nullptr) {
      // Nothing to run it in (`docker exec` into a stopped container fails at once too): not a wait of its timeout.
      return history.record(history::EventType::k_exec_result, service,
                            {{"id", id}, {"command", command}, {"service", service},
                             {"no_instance", stack.no_running_instance(service)}});
    }
  }
  // In a client's environment, its addresses (through its proxies when routed); otherwise the harness's, direct.
  auto expanded = driver::expand_placeholders(
      command, instance ? stack.placeholders_for(instance->name()) : stack.placeholders());
  if (!expanded) return expanded.error();
  options.argv = process::shell(*expanded);
  const int generation = instance ? stack.generation(instance) : 0;
  auto result = instance ? instance->exec(options, timeout) : process::run_command(options, timeout);
  bool rerun = false;
  if (instance && died_with_its_instance(result) && replaced_while_it_ran(service, *instance, generation, stack)) {
    // The orchestrator replaced the instance while the command ran, and a container's stop kills what runs in it:
    // once more in the replacement, within what is left of the timeout.
    const auto* replacement = instance_for(service, stack, deadline, Ran{instance, generation});
    if (replacement && deadline.remaining().count() > 0) {
      result = replacement->exec(options, deadline.remaining());
      rerun = true;
    }
  }
  std::string output = result.output;
  if (output.size() > k_output_tail) output = "…" + output.substr(output.size() - k_output_tail);
  nlohmann::json data = {
      {"id", id},
      {"command", command},
      {"timed_out", result.timed_out},
      {"duration_s", std::chrono::duration<double>(result.duration).count()},
      {"output", output},
  };
  if (!service.empty()) data["service"] = service;
  if (result.status) {
    data["exit_code"] = result.status->code;
    data["signal"] = result.status->signal;
  }
  if (result.spawn_failed) data["spawn_failed"] = true;
  if (rerun) data["rerun"] = "its instance was replaced while it ran";
  return history.record(history::EventType::k_exec_result, service, std::move(data));
}

}  // namespace harness::run
