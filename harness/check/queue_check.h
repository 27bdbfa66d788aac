#pragma once
// `queue` check, live: polls the queue's depth through the management API at judge time (poll_queue_depth),
// recording every reading as a `queue.sample` event {queue, depth} (or {queue, error}); the last one decides.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harness/check/verdict.h"
#include "harness/history/history.h"
#include "harness/scenario/kind_params.h"
#include "harness/scenario/model.h"
#include "harness/stack/stack.h"

namespace harness::check {

// `queue`: a RabbitMQ queue's depth (ready + unacked messages, from the management API) satisfies `depth`,
// polled live when the check is judged until it does or `within` passes (without `within`: one reading).
// Every reading is a `queue.sample` event.
struct QueueParams : scenario::KindParams {
  std::string broker;              // a rabbitmq service
  std::string name;                // the queue, e.g. "celery"
  scenario::CountBound depth;
  std::optional<std::chrono::milliseconds> within;
};

// `samples`: the queue.sample events of this check, oldest first.
Verdict judge_queue(const QueueParams& check, const std::string& name, const std::string& classname,
                    const std::vector<history::Event>& samples);

// Polls the depth (messages ready + unacknowledged) of `queue` on `broker` until `done(depth)` or `within`
// (one reading without it), recording every reading as a `queue.sample` event {queue, depth} or {queue, error};
// returns those events. A queue that does not exist has depth 0 (RabbitMQ answers 404). `sleep_for` waits between
// readings and returns false when the run must stop.
std::vector<history::Event> poll_queue_depth(const stack::Stack& stack, history::History& history,
                                             const std::string& broker, const std::string& queue,
                                             const std::function<bool(std::int64_t)>& done,
                                             std::chrono::milliseconds within,
                                             const std::function<bool(std::chrono::milliseconds)>& sleep_for);

}  // namespace harness::check
