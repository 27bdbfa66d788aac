#include "harness/run/broker_sampler.h"

#include <algorithm>

#include "harness/check/check_kind.h"
#include "harness/datastore/http_client.h"
#include "harness/datastore/rabbitmq_management.h"

namespace harness::run {

namespace {
bool is_rabbitmq(const scenario::Scenario& scenario, const std::string& name) {
  const auto* service = scenario.find_service(name);
  return service && service->kind == scenario::ServiceKind::k_rabbitmq;
}
}  // namespace

std::vector<std::string> BrokerSampler::brokers_to_sample(const scenario::Scenario& scenario) {
  std::vector<std::string> brokers;
  const auto add = [&](const std::string& name) {
    if (is_rabbitmq(scenario, name) && std::find(brokers.begin(), brokers.end(), name) == brokers.end())
      brokers.push_back(name);
  };
  for (const auto& step : scenario.steps)
    if (const auto* fault = scenario::params_if<scenario::FaultStep>(step)) add(fault->service);
  for (const auto& check : scenario.checks) {
    const check::CheckKind* kind = check::registry().find(check.kind);
    if (kind && kind->sampled_broker && check.params) add(kind->sampled_broker(*check.params));
  }
  return brokers;
}

BrokerSampler::BrokerSampler(const stack::Stack& stack, history::History& history, std::vector<std::string> brokers,
                             std::chrono::milliseconds interval)
    : m_stack(stack), m_history(history), m_brokers(std::move(brokers)) {
  if (m_brokers.empty()) return;
  m_thread = std::thread([this, interval] {
    while (!m_stopping) {
      const auto next = std::chrono::steady_clock::now() + interval;
      for (const auto& broker : m_brokers) {
        try {
          sample(broker);
        } catch (const std::exception& error) {  // never let a thread end the harness (it would leak services)
          m_history.record(history::EventType::k_broker_sample, broker,
                           {{"error", std::string("internal: ") + error.what()}});
        }
      }
      while (!m_stopping && std::chrono::steady_clock::now() < next)
        std::this_thread::sleep_for(std::chrono::milliseconds{20});
    }
  });
}

BrokerSampler::~BrokerSampler() { stop(); }

void BrokerSampler::stop() {
  m_stopping = true;
  if (m_thread.joinable()) m_thread.join();
}

void BrokerSampler::sample(const std::string& broker) {
  auto api = datastore::ManagementApi::of(m_stack.placeholders(), broker);
  if (!api) return;
  auto queues = api->get_json("/api/queues/%2F?columns=name,messages");
  auto connections = api->get_json("/api/connections?columns=name,state");
  if (!queues || !connections) {
    m_history.record(history::EventType::k_broker_sample, broker,
                     {{"error", !queues ? queues.error().message() : connections.error().message()}});
    return;
  }
  nlohmann::json depth = nlohmann::json::object();
  for (const auto& q : *queues)
    if (q.is_object() && q.contains("name")) depth[q["name"].get<std::string>()] = q.value("messages", 0);
  nlohmann::json states = nlohmann::json::object();
  for (const auto& c : *connections) {
    if (!c.is_object()) continue;
    const std::string state = c.value("state", "unknown");
    states[state] = states.value(state, 0) + 1;
  }
  m_history.record(history::EventType::k_broker_sample, broker, {{"queues", depth}, {"connections", states}});
}

}  // namespace harness::run
