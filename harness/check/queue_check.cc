#include "harness/check/queue_check.h"

#include <algorithm>
#include <sstream>
#include <string_view>

#include "harness/check/check_kind.h"
#include "harness/check/delivery_check.h"
#include "harness/datastore/http_client.h"
#include "harness/datastore/rabbitmq_management.h"
#include "harness/history/event_type.h"
#include "harness/scenario/check_syntax.h"
#include "harness/scenario/duration.h"
#include "harness/util/time_format.h"

namespace harness::check {

namespace {
constexpr auto k_queue_poll_interval = std::chrono::milliseconds{500};

}  // namespace

Verdict judge_queue(const QueueParams& check, const std::string& name, const std::string& classname,
                    const std::vector<history::Event>& samples) {
  Verdict verdict{name, classname, Outcome::k_passed, {}, {}, {}};
  const auto last = std::find_if(samples.rbegin(), samples.rend(),
                                 [](const history::Event& e) { return e.data.contains("depth"); });
  if (last == samples.rend()) {
    verdict.outcome = Outcome::k_error;
    verdict.message = "queue '" + check.name + "' of broker '" + check.broker + "' could not be read" +
                      (samples.empty() ? std::string() : ": " + samples.back().data.value("error", std::string()));
    return verdict;
  }
  if (!last->data.value("exists", true)) {
    // The management API answers 404 for a queue nobody declared: its "depth 0" is not an empty queue.
    verdict.outcome = Outcome::k_error;
    verdict.message = "queue '" + check.name + "' does not exist on broker '" + check.broker +
                      "' (HTTP 404 after " + std::to_string(samples.size()) +
                      " reading(s)): a missing queue has no depth to judge";
    return verdict;
  }
  const std::int64_t depth = last->data["depth"].get<std::int64_t>();
  std::string history;
  for (const auto& e : samples)
    if (e.data.contains("depth")) history += (history.empty() ? "" : ", ") + std::to_string(e.data["depth"].get<long>());
  verdict.details = "depths read: " + history;
  const std::string seen = "queue '" + check.name + "' depth " + std::to_string(depth) + " (expected " +
                           expectation(check.depth) + ")";
  if (holds(check.depth, depth)) {
    verdict.message = seen + " after " + std::to_string(samples.size()) + " reading(s)";
  } else {
    verdict.outcome = Outcome::k_failed;
    verdict.message = seen + (check.within ? " still after " + util::short_seconds(check.within->count() / 1000.0)
                                           : std::string()) +
                      "; depths read: " + history;
  }
  return verdict;
}

std::vector<history::Event> poll_queue_depth(const stack::Stack& stack, history::History& history,
                                             const std::string& broker, const std::string& queue,
                                             const std::function<bool(std::int64_t)>& done,
                                             std::chrono::milliseconds within,
                                             const std::function<bool(std::chrono::milliseconds)>& sleep_for) {
  std::vector<history::Event> samples;
  const auto deadline = std::chrono::steady_clock::now() + within;
  auto api = datastore::ManagementApi::of(stack.placeholders(), broker);
  while (true) {
    nlohmann::json data = {{"queue", queue}};
    if (!api) {
      data["error"] = api.error().message();
    } else if (auto reply = api->call("GET", "/api/queues/%2F/" + datastore::url_encode(queue)); !reply) {
      data["error"] = reply.error().message();
    } else if (reply->status == 404) {
      data["depth"] = 0;
      data["exists"] = false;
    } else {
      const auto body = nlohmann::json::parse(reply->body, nullptr, false);
      if (reply->status / 100 == 2 && body.is_object()) {
        data["depth"] = body.value("messages", 0);
        data["ready"] = body.value("messages_ready", 0);
        data["unacked"] = body.value("messages_unacknowledged", 0);
      } else {
        data["error"] = "HTTP " + std::to_string(reply->status) + " " + reply->body.substr(0, 200);
      }
    }
    samples.push_back(history.record(history::EventType::k_queue_sample, broker, data));
    if (data.contains("depth") && done(data["depth"].get<std::int64_t>())) break;
    if (std::chrono::steady_clock::now() + k_queue_poll_interval > deadline) break;
    if (!sleep_for(k_queue_poll_interval)) break;
  }
  return samples;
}

// The kind, registered.
namespace {
using namespace harness::scenario;

const std::vector<std::string_view> k_queue_keys{"broker", "name", "depth", "within"};

// `queue: {broker, name, depth, within}`.
std::optional<QueueParams> read_queue(YamlReader& reader, const MapEntry& entry, const std::vector<Service>* services) {
  const std::string context = "queue check";
  auto map = read_map(reader, entry, "'queue' must be a map with 'broker', 'name', 'depth' and optionally 'within'",
                      k_queue_keys, context);
  if (!map) return std::nullopt;
  QueueParams queue;
  bool ok = read_check_broker(reader, *map, services, context, queue.broker);
  if (const MapEntry* e = map->require(reader, "name", context))
    assign_or_fail(read_nonempty_string(reader, *e), queue.name, ok);
  else
    ok = false;
  if (const MapEntry* e = map->require(reader, "depth", context))
    assign_or_fail(read_count_bound(reader, *e), queue.depth, ok);
  else
    ok = false;
  if (const MapEntry* e = map->find("within")) assign_or_fail(read_duration(reader, *e), queue.within, ok);
  if (!ok) return std::nullopt;
  return queue;
}

std::string queue_name(const KindParams& params) {
  const auto& queue = params_as<QueueParams>(params);
  std::string name = "queue " + queue.broker + " " + queue.name + " depth " + format_bound(queue.depth);
  if (queue.within) name += " within " + format_duration(*queue.within);
  return name;
}

// Live: polls the queue's depth now until the bound holds or `within` passes.
Verdict judge_queue_check(const Check& check, const std::string& classname, JudgeContext& context) {
  const auto& queue = params_of<QueueParams>(check);
  const auto samples = poll_queue_depth(
      *context.stack, context.history, queue.broker, queue.name,
      [&](std::int64_t depth) { return holds(queue.depth, depth); },
      queue.within.value_or(std::chrono::milliseconds{0}), context.sleep_for);
  return judge_queue(queue, check.name, classname, samples);
}

const bool k_queue_registered = add_kind({
    .name = "queue",
    .listed_at = 6,
    .keys = k_queue_keys,
    .summary = "a RabbitMQ queue's depth satisfies a bound, polled at judge time (until it does, within a time "
               "when given)",
    .read = params_reader<read_queue>,
    .generated_name = queue_name,
}, {
    .judge = judge_queue_check,
    .live = true,
});
}  // namespace

}  // namespace harness::check
