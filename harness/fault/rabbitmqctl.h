#pragma once
// What the RabbitMQ faults share: the broker instance of a run, and rabbitmqctl through the driver. rabbitmqctl
// is used only where the management API cannot do it (alarms, stop_app/start_app, close_all_connections); each
// call costs ~0.5-0.7 s (measured on Debian 12, RabbitMQ 3.10).
#include <chrono>
#include <string>
#include <vector>

#include "harness/driver/service.h"
#include "harness/stack/stack.h"

namespace harness::fault {

constexpr auto k_ctl_timeout = std::chrono::minutes{2};  // stop_app alone takes ~5.5 s

// "rabbitmqctl ARGS..." for events and messages.
std::string command_text(const std::vector<std::string>& args);
// The rabbitmq instance of `broker`; k_invalid_input: "'x' is not a rabbitmq service of this run".
util::Expected<driver::Service*> broker_service(const stack::Stack& stack, const std::string& broker);
// rabbitmqctl ARGS; a failure (exit code, timeout) is k_infrastructure with the tool's output (its last 500
// characters).
util::Status run_ctl(const driver::Service& service, const std::vector<std::string>& args);

}  // namespace harness::fault
