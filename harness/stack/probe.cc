#include "harness/stack/probe.h"

#include "harness/process/child_process.h"

namespace harness::stack {

health::ProbeResult run_probe(const scenario::HealthCheck& config, const driver::Service& service,
                              const driver::PlaceholderTable& placeholders) {
  health::ProbeResult result{};
  process::SpawnOptions options;
  std::vector<std::string> argv;
  for (size_t i = 1; i < config.test.size(); ++i) {
    auto expanded = driver::expand_placeholders(config.test[i], placeholders);
    if (!expanded) {
      result.exit_code = -1;
      result.output = expanded.error().message();
      return result;
    }
    argv.push_back(*expanded);
  }
  if (config.test.front() == "CMD-SHELL") {
    options.argv = process::shell(argv.empty() ? std::string{} : argv.front());
  } else {
    options.argv = argv;
  }
  const auto r = service.exec(options, config.timeout);
  result.timed_out = r.timed_out;
  result.exit_code = r.status ? (r.status->signal ? 128 + r.status->signal : r.status->code) : -1;
  result.duration = r.duration;
  result.output = r.output;
  return result;
}

}  // namespace harness::stack
