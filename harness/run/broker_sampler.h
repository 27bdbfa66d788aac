#pragma once
// What RabbitMQ shows while a scenario runs, sampled into the History through the management API (~65 ms a call):
//   broker.sample {queues: {NAME: messages}, connections: {STATE: count}}   or {error} when the API did not answer
// (a broker being restarted). The broker's statistics are collected every second (rabbitmq.conf
// collect_statistics_interval), so a sample is at most ~1 s old. The sampler runs while the steps run, for
// scenarios that fault a RabbitMQ broker or have a check of a kind judged from broker samples (a check kind's
// sampled_broker: `connections`; BrokerSampler::brokers_to_sample).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "harness/history/history.h"
#include "harness/stack/run_control.h"
#include "harness/stack/stack.h"
#include "harness/scenario/model.h"

namespace harness::run {

class BrokerSampler {
public:
  // The rabbitmq services of `scenario` that a fault step targets or a check needs samples of.
  static std::vector<std::string> brokers_to_sample(const scenario::Scenario& scenario);

  // Starts sampling `brokers` every `interval` at once (nothing when empty).
  BrokerSampler(const stack::Stack& stack, history::History& history, std::vector<std::string> brokers,
                std::chrono::milliseconds interval = std::chrono::milliseconds{1000});
  ~BrokerSampler();  // stop(); noexcept
  BrokerSampler(const BrokerSampler&) = delete;
  BrokerSampler& operator=(const BrokerSampler&) = delete;
  void stop();

private:
  void sample(const std::string& broker);

  const stack::Stack& m_stack;
  history::History& m_history;
  std::vector<std::string> m_brokers;
  std::atomic<bool> m_stopping{false};
  std::thread m_thread;
};

}  // namespace harness::run
