#include "harness/fault/fault_injector.h"

#include <signal.h>

#include <filesystem>

#include "harness/fault/broker_faults.h"
#include "harness/fault/datastore_faults.h"
#include "harness/datastore/rabbitmq_management.h"
#include "harness/process/proc_stat.h"

namespace harness::fault {

namespace {
constexpr const char* k_pidbox_pattern = R"(\.reply\.celery\.pidbox$)";
constexpr const char* k_pidbox_policy = "celery-chaos-pidbox-reply-expiry";

const char* signal_label(int sig) {
  const char* abbrev = ::sigabbrev_np(sig);
  return abbrev ? abbrev : "?";
}

util::Expected<std::vector<driver::Service*>> targets(const stack::Stack& stack, const std::string& service) {
  auto found = stack.instances(service);
  if (found.empty()) return util::Status::invalid("fault target '" + service + "' is not a service of this run");
  return found;
}

// The live children of `parent` (a Celery worker's pool processes), from /proc.
std::vector<pid_t> children_of(pid_t parent) {
  std::vector<pid_t> children;
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/proc", ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    const pid_t pid = static_cast<pid_t>(std::stol(name));
    if (auto stat = process::read_proc_stat(pid); stat && stat->ppid == parent && !stat->dead()) children.push_back(pid);
  }
  return children;
}

// Signals every target instance: its process group ("group"), its main process ("main") or the main process's
// children ("children"). Returns what was reached: instance names, or {instance, pids} for children.
nlohmann::json signal_all(const std::vector<driver::Service*>& services, int sig, const std::string& target = "group") {
  nlohmann::json reached = nlohmann::json::array();
  for (auto* s : services) {
    const auto pid = s->main_pid();
    if (!pid || s->exit_status()) continue;
    if (target == "children") {
      nlohmann::json pids = nlohmann::json::array();
      for (pid_t child : children_of(*pid))
        if (::kill(child, sig) == 0) pids.push_back(child);
      reached.push_back({{"instance", s->name()}, {"pids", pids}});
    } else if ((target == "main" ? ::kill(*pid, sig) : ::killpg(*pid, sig)) == 0) {
      reached.push_back(s->name());
    }
  }
  return reached;
}

util::Expected<std::shared_ptr<Clearer>> apply_policy(const std::string& broker, const std::string& name,
                                                      const std::string& pattern, const nlohmann::json& definition,
                                                      int priority, const std::string& apply_to,
                                                      const std::string& kind, const stack::Stack& stack,
                                                      history::History& history) {
  auto m = datastore::ManagementApi::of(stack.placeholders(), broker);
  if (!m) return m.error();
  const std::string path = "/api/policies/%2F/" + datastore::url_encode(name);
  const nlohmann::json body = {
      {"pattern", pattern}, {"definition", definition}, {"priority", priority}, {"apply-to", apply_to}};
  auto put = m->call("PUT", path, body.dump());
  if (!put) return put.error();
  if (put->status / 100 != 2) {
    return util::Status::infrastructure("RabbitMQ refused policy '" + name + "': HTTP " + std::to_string(put->status) +
                                        " " + put->body);
  }
  // Observed, not assumed: read the policy back.
  auto got = m->call("GET", path);
  const bool observed = got && got->status == 200;
  history.record("fault.start", broker,
                 {{"kind", kind}, {"policy", name}, {"pattern", pattern}, {"definition", definition},
                  {"priority", priority}, {"observed", observed}});
  auto mgmt = *m;
  return std::make_shared<Clearer>([mgmt, path, name, kind, broker, &history] {
    auto deleted = mgmt.call("DELETE", path);
    history.record("fault.end", broker,
                   {{"kind", kind}, {"policy", name}, {"removed", deleted && deleted->status / 100 == 2}});
  });
}
}  // namespace

util::Expected<std::shared_ptr<Clearer>> apply_fault(const scenario::FaultStep& fault, stack::Stack& stack,
                                                     history::History& history) {
  if (is_broker_fault(fault.kind)) return apply_broker_fault(fault, stack, history);
  if (is_datastore_fault(fault.kind)) return apply_datastore_fault(fault, stack, history);
  if (fault.kind == "pause" || fault.kind == "kill") {
    auto services = targets(stack, fault.service);
    if (!services) return services.error();
    const int sig = fault.kind == "pause" ? SIGSTOP : fault.signal;
    const std::string target = fault.kind == "kill" ? fault.target : "group";
    const nlohmann::json reached = signal_all(*services, sig, target);
    history.record("fault.start", fault.service,
                   {{"kind", fault.kind}, {"signal", std::string("SIG") + signal_label(sig)}, {"target", target},
                    {"instances", reached}});
    if (fault.kind == "kill") {
      // No inverse: over once signalled (the restart policy's answer is recorded as service.* events).
      history.record("fault.end", fault.service, {{"kind", "kill"}, {"instant", true}});
      return std::make_shared<Clearer>(nullptr);
    }
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
