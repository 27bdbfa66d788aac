#include "harness/fault/rabbitmqctl.h"

#include "harness/fault/fault_injector.h"

namespace harness::fault {

std::string command_text(const std::vector<std::string>& args) {
  std::string text = "rabbitmqctl";
  for (const auto& a : args) text += " " + a;
  return text;
}

util::Expected<driver::Service*> broker_service(const stack::Stack& stack, const std::string& broker) {
  return service_of_kind(stack, broker, "rabbitmq");
}

util::Status run_ctl(const driver::Service& service, const std::vector<std::string>& args) {
  auto result = service.control(args, k_ctl_timeout);
  if (!result) return result.error();
  if (result->succeeded()) return util::Status::ok();
  std::string output = result->output.size() > 500 ? result->output.substr(result->output.size() - 500) : result->output;
  return util::Status::infrastructure(command_text(args) + " failed (" +
                                      (result->status ? result->status->describe() : std::string("timed out")) +
                                      "): " + output);
}

}  // namespace harness::fault
