#include "harness/fault/fault_injector.h"

#include <signal.h>

#include "harness/datastore/http_client.h"

namespace harness::fault {

namespace {
constexpr const char* k_pidbox_pattern = R"(\.reply\.celery\.pidbox$)";
constexpr const char* k_pidbox_policy = "celery-chaos-pidbox-reply-expiry";

const char* signal_label(int sig) {
  const char* abbrev = ::sigabbrev_np(sig);
  return abbrev ? abbrev : "?";
}

util::Expected<std::vector<driver::Service*>> targets(const run::Stack& stack, const std::string& service) {
  auto found = stack.instances(service);
  if (found.empty()) return util::Status::invalid("fault target '" + service + "' is not a service of this run");
  return found;
}

// Signals the process group of every target instance; returns the instance names reached.
nlohmann::json signal_all(const std::vector<driver::Service*>& services, int sig) {
  nlohmann::json reached = nlohmann::json::array();
  for (auto* s : services) {
    if (auto pid = s->main_pid(); pid && !s->exit_status() && ::killpg(*pid, sig) == 0) reached.push_back(s->name());
  }
  return reached;
}

struct Management {
  std::uint16_t port = 0;
  std::string user, password;
};

util::Expected<Management> management_of(const run::Stack& stack, const std::string& broker) {
  const auto& t = stack.placeholders();
  auto port = t.find(broker + ".management_port");
  if (port == t.end()) return util::Status::invalid("'" + broker + "' is not a rabbitmq service of this run");
  return Management{static_cast<std::uint16_t>(std::stoi(port->second)), t.at(broker + ".user"),
                    t.at(broker + ".password")};
}

util::Expected<datastore::HttpResponse> call(const Management& m, const std::string& method, const std::string& target,
                                             const std::string& body = {}) {
  datastore::HttpRequest request;
  request.method = method;
  request.port = m.port;
  request.target = target;
  request.body = body;
  request.user = m.user;
  request.password = m.password;
  return datastore::http_request(request);
}

util::Expected<std::shared_ptr<Clearer>> apply_policy(const std::string& broker, const std::string& name,
                                                      const std::string& pattern, const nlohmann::json& definition,
                                                      int priority, const std::string& apply_to,
                                                      const std::string& kind, const run::Stack& stack,
                                                      run::History& history) {
  auto m = management_of(stack, broker);
  if (!m) return m.error();
  const std::string path = "/api/policies/%2F/" + datastore::url_encode(name);
  const nlohmann::json body = {
      {"pattern", pattern}, {"definition", definition}, {"priority", priority}, {"apply-to", apply_to}};
  auto put = call(*m, "PUT", path, body.dump());
  if (!put) return put.error();
  if (put->status / 100 != 2) {
    return util::Status::infrastructure("RabbitMQ refused policy '" + name + "': HTTP " + std::to_string(put->status) +
                                        " " + put->body);
  }
  // Observed, not assumed: read the policy back.
  auto got = call(*m, "GET", path);
  const bool observed = got && got->status == 200;
  history.record("fault.start", broker,
                 {{"kind", kind}, {"policy", name}, {"pattern", pattern}, {"definition", definition},
                  {"priority", priority}, {"observed", observed}});
  auto mgmt = *m;
  return std::make_shared<Clearer>([mgmt, path, name, kind, broker, &history] {
    auto deleted = call(mgmt, "DELETE", path);
    history.record("fault.end", broker,
                   {{"kind", kind}, {"policy", name}, {"removed", deleted && deleted->status / 100 == 2}});
  });
}
}  // namespace

util::Expected<std::shared_ptr<Clearer>> apply_fault(const scenario::FaultStep& fault, const run::Stack& stack,
                                                     run::History& history) {
  if (fault.kind == "pause" || fault.kind == "kill") {
    auto services = targets(stack, fault.service);
    if (!services) return services.error();
    const int sig = fault.kind == "pause" ? SIGSTOP : fault.signal;
    const nlohmann::json reached = signal_all(*services, sig);
    history.record("fault.start", fault.service,
                   {{"kind", fault.kind}, {"signal", std::string("SIG") + signal_label(sig)}, {"instances", reached}});
    if (fault.kind == "kill") return std::make_shared<Clearer>(nullptr);
    auto list = *services;
    const std::string service = fault.service;
    return std::make_shared<Clearer>([list, service, &history] {
      const nlohmann::json resumed = signal_all(list, SIGCONT);
      history.record("fault.end", service, {{"kind", "pause"}, {"instances", resumed}});
    });
  }
  if (fault.kind == "pidbox-reply-expiry") {
    const auto expires = fault.expires.value_or(std::chrono::milliseconds{1}).count();
    return apply_policy(fault.service, k_pidbox_policy, k_pidbox_pattern, {{"expires", expires}}, 100, "queues",
                        fault.kind, stack, history);
  }
  if (fault.kind == "policy") {
    return apply_policy(fault.service, fault.policy_name, fault.pattern, fault.definition, fault.priority,
                        fault.apply_to, fault.kind, stack, history);
  }
  return util::Status::invalid("fault '" + fault.kind + "' is not supported yet");
}

}  // namespace harness::fault
