#include "harness/net/toxic.h"

#include <algorithm>

namespace harness::net {

std::string_view name(Direction direction) {
  switch (direction) {
    case Direction::k_upstream: return "upstream";
    case Direction::k_downstream: return "downstream";
    case Direction::k_both: return "both";
  }
  return "both";
}

std::optional<Direction> direction_named(std::string_view name) {
  if (name == "upstream") return Direction::k_upstream;
  if (name == "downstream") return Direction::k_downstream;
  if (name == "both") return Direction::k_both;
  return std::nullopt;
}

bool applies(Direction toxic, Direction way) { return toxic == Direction::k_both || toxic == way; }

boost::asio::awaitable<void> Toxic::transmit(Link& link, std::span<const char> bytes) { co_await link.forward(bytes); }
boost::asio::awaitable<void> Toxic::closing(Link&) { co_return; }
util::Status Toxic::added(Proxy&) { return {}; }
void Toxic::connection_opened(Connection&) {}
util::Status Toxic::removed(Proxy&) { return {}; }

util::Registry<ToxicKind>& toxic_registry() {
  static util::Registry<ToxicKind> registry;
  return registry;
}

namespace {
std::string joined(const std::vector<std::string_view>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}
}  // namespace

util::Expected<std::shared_ptr<Toxic>> make_toxic(std::string_view kind, Direction direction,
                                                  const nlohmann::json& attributes) {
  const ToxicKind* found = toxic_registry().find(kind);
  if (!found)
    return util::Status::invalid("unknown toxic '" + std::string(kind) + "' (known: " +
                                 joined(toxic_registry().names()) + ")");
  return found->make(direction, attributes);
}

util::Status check_attributes(std::string_view kind, const nlohmann::json& attributes,
                              std::initializer_list<std::string_view> known) {
  if (attributes.is_null()) return {};
  if (!attributes.is_object()) return util::Status::invalid(std::string(kind) + ": attributes must be an object");
  std::vector<std::string_view> sorted(known);
  std::sort(sorted.begin(), sorted.end());
  for (const auto& [key, value] : attributes.items()) {
    if (std::find(sorted.begin(), sorted.end(), key) == sorted.end())
      return util::Status::invalid(std::string(kind) + ": unknown attribute '" + key + "' (known: " +
                                   (sorted.empty() ? std::string("none") : joined(sorted)) + ")");
  }
  return {};
}

util::Expected<double> number_attribute(std::string_view kind, const nlohmann::json& attributes, std::string_view key,
                                        double fallback, double minimum) {
  if (!attributes.is_object() || !attributes.contains(key)) return fallback;
  const auto& value = attributes.at(std::string(key));
  if (!value.is_number() || value.get<double>() < minimum) {
    std::string bound = std::to_string(minimum);
    bound.erase(bound.find_last_not_of('0') + 1);
    if (!bound.empty() && bound.back() == '.') bound.pop_back();
    return util::Status::invalid(std::string(kind) + ": '" + std::string(key) + "' must be a number >= " + bound);
  }
  return value.get<double>();
}

nlohmann::json sum_reports(const std::vector<nlohmann::json>& reports) {
  nlohmann::json sum = nlohmann::json::object();
  for (const auto& report : reports) {
    for (const auto& [key, value] : report.items()) {
      if (!sum.contains(key)) {
        sum[key] = value;
      } else if (value.is_number_unsigned() && sum[key].is_number_unsigned()) {
        sum[key] = sum[key].get<std::uint64_t>() + value.get<std::uint64_t>();
      } else if (value.is_number() && sum[key].is_number()) {
        sum[key] = sum[key].get<double>() + value.get<double>();
      }
    }
  }
  return sum;
}

}  // namespace harness::net
