#include "harness/stack/probe.h"

#include "harness/process/child_process.h"

namespace harness::stack {

util::Expected<std::vector<std::string>> probe_argv(const scenario::HealthCheck& config,
                                                    const driver::PlaceholderTable& placeholders) {
  std::vector<std::string> argv;
  for (size_t i = 1; i < config.test.size(); ++i) {
    auto expanded = driver::expand_placeholders(config.test[i], placeholders);
    if (!expanded) return expanded.error();
    argv.push_back(*expanded);
  }
  if (!config.test.empty() && config.test.front() == "CMD-SHELL")
    return process::shell(argv.empty() ? std::string{} : argv.front());
  return argv;
}

health::ProbeResult run_probe(const scenario::HealthCheck& config, const driver::Service& service,
                              const driver::PlaceholderTable& placeholders) {
  health::ProbeResult result{};
  auto argv = probe_argv(config, placeholders);
  if (!argv) {
    result.exit_code = -1;
    result.output = argv.error().message();
    return result;
  }
  process::SpawnOptions options;
  options.argv = std::move(*argv);
  const auto r = service.exec(options, config.timeout);
  result.timed_out = r.timed_out;
  result.exit_code = r.status ? (r.status->signal ? 128 + r.status->signal : r.status->code) : -1;
  result.duration = r.duration;
  result.output = r.output;
  return result;
}

bool engine_can_probe(const scenario::HealthCheck& config) {
  return !config.kubernetes && !config.test.empty() && config.test.front() != "NONE";
}

util::Expected<driver::EngineHealthCheck> engine_health_check(const scenario::HealthCheck& config,
                                                              const driver::Service& service,
                                                              const driver::PlaceholderTable& placeholders) {
  auto argv = probe_argv(config, placeholders);
  if (!argv) return argv.error();
  driver::EngineHealthCheck check;
  // What run_probe gets from Service::exec (the instance's exec environment and working directory), set by the
  // command itself: the engine runs it with the container's own.
  const auto directory = service.exec_working_directory();
  check.argv = {"/bin/sh", "-c", "cd \"$0\" && exec env \"$@\"", directory.empty() ? "/" : directory.string()};
  for (const auto& [key, value] : service.exec_environment()) check.argv.push_back(key + "=" + value);
  check.argv.insert(check.argv.end(), argv->begin(), argv->end());
  check.interval = config.interval;
  check.timeout = config.timeout;
  check.start_period = config.start_period;
  check.start_interval = config.start_interval;
  check.retries = config.retries;
  return check;
}

}  // namespace harness::stack
