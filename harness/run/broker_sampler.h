#pragma once
// What RabbitMQ shows while a scenario runs, sampled into the History through the management API (~65 ms a call):
//   broker.sample {queues: {NAME: messages}, connections: {STATE: count}}   or {error} when the API did not answer
// (a broker being restarted). The broker's statistics are collected every second (rabbitmq.conf
// collect_statistics_interval), so a sample is at most ~1 s old. The sampler runs while the steps run, for
// scenarios that fault a RabbitMQ broker or have a connections check (BrokerSampler::brokers_to_sample).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "harness/history/history.h"
#include "harness/run/run_control.h"
#include "harness/stack/stack.h"
#include "harness/scenario/model.h"

namespace harness::run {

class BrokerSampler {
public:
  // The rabbitmq services of `scenario` that a fault step targets or a connections check names.
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

// Polls the depth (messages ready + unacknowledged) of `queue` on `broker` until `done(depth)` or `within`
// (one reading without it), recording every reading as a `queue.sample` event {queue, depth} or {queue, error};
// returns those events. A queue that does not exist has depth 0 (RabbitMQ answers 404).
std::vector<history::Event> poll_queue_depth(const stack::Stack& stack, history::History& history, const std::string& broker,
                                    const std::string& queue, const std::function<bool(std::int64_t)>& done,
                                    std::chrono::milliseconds within, const RunControl& control);

}  // namespace harness::run
