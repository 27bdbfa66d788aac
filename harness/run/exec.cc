#include "harness/run/exec.h"

#include "harness/process/cancellation.h"
#include "harness/process/child_process.h"

namespace harness::run {

namespace {
constexpr size_t k_output_tail = 4096;
}

util::Expected<history::Event> run_exec(const std::string& id, const std::string& command, const std::string& service,
                               std::chrono::milliseconds timeout, const stack::Stack& stack, history::History& history) {
  process::SpawnOptions options;
  const driver::Service* instance = nullptr;
  if (!service.empty()) {
    if (stack.instances(service).empty()) return util::Status::invalid("exec in unknown service '" + service + "'");
    instance = stack.running_instance(service);
    // Between an instance and its replacement (the orchestrator's restart): the command runs in the new one, as a
    // `docker exec` asked again would, waiting for it no longer than the command's own timeout.
    const process::Deadline deadline(timeout);
    while (instance == nullptr && stack.restart_pending(service) && !deadline.expired()) {
      if (!deadline.sleep_for(std::chrono::milliseconds{100})) break;  // Ctrl-C: no wait for the replacement
      instance = stack.running_instance(service);
    }
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
  const auto result = instance ? instance->exec(options, timeout) : process::run_command(options, timeout);
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
  return history.record(history::EventType::k_exec_result, service, std::move(data));
}

}  // namespace harness::run
