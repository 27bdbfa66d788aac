// limit-data {bytes} (Toxiproxy's limit_data): each connection passes at most `bytes` on a way the toxic acts
// on, then the proxy closes it (a normal close of both sides), as a middlebox that cuts a flow after a quota.
#include <algorithm>
#include <map>
#include <utility>

#include "harness/net/toxic.h"

namespace harness::net {
namespace {

class LimitDataToxic final : public Toxic {
public:
  LimitDataToxic(Direction direction, std::uint64_t limit) : Toxic(direction), m_limit(limit) {}

  boost::asio::awaitable<void> transmit(Link& link, std::span<const char> bytes) override {
    auto& passed = m_passed[{link.connection_id(), link.way()}];
    const auto room = static_cast<std::size_t>(m_limit - std::min(m_limit, passed));
    const auto part = bytes.first(std::min(room, bytes.size()));
    passed += part.size();
    m_bytes += part.size();
    if (!part.empty()) co_await link.forward(part);
    if (passed >= m_limit && !link.closed()) {
      ++m_closed;
      link.close_connection("limit-data toxic");
    }
  }
  nlohmann::json report() const override { return {{"connections_closed", m_closed}, {"bytes_passed", m_bytes}}; }

private:
  std::uint64_t m_limit;
  std::map<std::pair<std::uint64_t, Direction>, std::uint64_t> m_passed;
  std::uint64_t m_closed = 0;
  std::uint64_t m_bytes = 0;
};

util::Expected<std::shared_ptr<Toxic>> make(Direction direction, const nlohmann::json& attributes) {
  if (auto status = check_attributes("limit-data", attributes, {"bytes"}); !status) return status;
  auto bytes = number_attribute("limit-data", attributes, "bytes", 0, 0);
  if (!bytes) return bytes.error();
  return std::shared_ptr<Toxic>(std::make_shared<LimitDataToxic>(direction, static_cast<std::uint64_t>(*bytes)));
}

const bool k_registered = toxic_registry().add(
    {.name = "limit-data", .summary = "a connection is closed after bytes have passed", .make = make});

}  // namespace
}  // namespace harness::net
