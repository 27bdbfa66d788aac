#include "harness/scenario/queue_reader.h"

#include <algorithm>
#include <map>

namespace harness::scenario {
namespace {

const std::vector<std::string_view> k_queue_keys{"name", "type", "durable", "arguments"};
const std::vector<std::string_view> k_queue_types{"classic", "quorum", "stream"};
// Celery's default queue (task_default_queue): a worker may consume it without declaring it.
constexpr const char* k_default_queue = "celery";

// One list item of `queues:`; nullopt when it has no usable name. `number` counts items from 1.
std::optional<QueueDeclaration> read_queue(YamlReader& reader, const YAML::Node& item, std::size_t number) {
  const std::string context = "queue " + std::to_string(number);
  if (!item.IsMap()) {
    reader.error(reader.location(item), "entry " + std::to_string(number) +
                                            " of 'queues' must be a map with name, type, durable and arguments, got " +
                                            describe(item));
    return std::nullopt;
  }
  MapView map(reader, item);
  map.report_unknown_keys(reader, k_queue_keys, context);
  QueueDeclaration queue;
  queue.location = map.location();
  if (const MapEntry* e = map.find("type"))
    if (auto value = read_choice(reader, *e, k_queue_types)) queue.type = *value;
  if (const MapEntry* e = map.find("durable"))
    if (auto value = read_bool(reader, *e)) queue.durable = *value;
  const MapEntry* name = map.require(reader, "name", context);
  std::optional<std::string> value = name ? read_nonempty_string(reader, *name) : std::nullopt;
  if (value) queue.name = *value;
  if (value && !queue.durable && queue.type != "classic")
    reader.error(map.find("durable")->location, "queue " + quote(queue.name) + " of type " + queue.type +
                                                    " must be durable (RabbitMQ declares " + queue.type +
                                                    " queues durable only)");
  if (const MapEntry* e = map.find("arguments")) {
    if (!e->value.IsMap()) {
      reader.error(e->location, "'arguments' must be a map of queue arguments (e.g. {x-max-length: 100}), got " +
                                    describe(e->value));
    } else if (auto arguments = read_json(reader, e->value, e->key)) {
      queue.arguments = std::move(*arguments);
      if (queue.arguments.contains("x-queue-type"))
        reader.error(e->location, "'arguments' of queue " + quote(queue.name) +
                                      " holds x-queue-type: write 'type:' instead (classic, quorum or stream)");
    }
  }
  if (!value) return std::nullopt;
  return queue;
}

}  // namespace

std::vector<QueueDeclaration> read_queues(YamlReader& reader, const MapEntry& entry) {
  std::vector<QueueDeclaration> queues;
  if (!entry.value.IsSequence()) {
    reader.error(entry.location, "'queues' must be a list of queues ({name, type, durable, arguments}), got " +
                                     describe(entry.value));
    return queues;
  }
  std::map<std::string, SourceLocation> seen;
  std::size_t number = 0;
  for (const auto& item : entry.value) {
    auto queue = read_queue(reader, item, ++number);
    if (!queue) continue;
    if (auto [it, inserted] = seen.emplace(queue->name, queue->location); !inserted) {
      reader.error(queue->location, "queue " + quote(queue->name) + " is declared twice (first at line " +
                                        std::to_string(it->second.line) + ")");
      continue;
    }
    queues.push_back(std::move(*queue));
  }
  return queues;
}

void check_worker_queues(YamlReader& reader, const Scenario& scenario) {
  std::vector<std::string> known{k_default_queue};
  for (const auto& queue : scenario.queues) known.push_back(queue.name);
  for (const auto& service : scenario.services) {
    for (const auto& name : service.queues) {
      if (std::find(known.begin(), known.end(), name) != known.end()) continue;
      std::string message = "service " + quote(service.name) + " consumes queue " + quote(name) +
                            ", which 'queues:' does not declare";
      if (auto suggestion = closest_match(name, known))
        message += " (did you mean " + quote(*suggestion) + "?)";
      else
        message += " (expected one of: " + join(known) + ")";
      reader.error(service.queues_location, message);
    }
  }
}

}  // namespace harness::scenario
