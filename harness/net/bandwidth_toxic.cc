// bandwidth {rate} (KB/s, Toxiproxy's unit: 1 KB = 1024 bytes): bytes go on no faster than `rate`. A chunk is cut
// into pieces of a tenth of a second's worth, each sent after waiting its own time, so the rate holds within a
// chunk and not only on average.
#include <algorithm>
#include <set>

#include "harness/net/toxic.h"

namespace harness::net {
namespace {

class BandwidthToxic final : public Toxic {
public:
  BandwidthToxic(Direction direction, double rate_kb) : Toxic(direction), m_bytes_per_second(rate_kb * 1024) {}

  boost::asio::awaitable<void> transmit(Link& link, std::span<const char> bytes) override {
    m_connections.insert(link.connection_id());
    const auto piece = std::max<std::size_t>(1, static_cast<std::size_t>(m_bytes_per_second / 10));
    while (!bytes.empty() && !link.closed()) {
      const auto part = bytes.first(std::min(piece, bytes.size()));
      co_await link.sleep(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::duration<double>(static_cast<double>(part.size()) / m_bytes_per_second)));
      if (link.closed()) co_return;
      m_bytes += part.size();
      co_await link.forward(part);
      bytes = bytes.subspan(part.size());
    }
  }
  nlohmann::json report() const override {
    return {{"connections_affected", m_connections.size()}, {"bytes_throttled", m_bytes}};
  }

private:
  double m_bytes_per_second;
  std::set<std::uint64_t> m_connections;
  std::uint64_t m_bytes = 0;
};

util::Expected<std::shared_ptr<Toxic>> make(Direction direction, const nlohmann::json& attributes) {
  if (auto status = check_attributes("bandwidth", attributes, {"rate"}); !status) return status;
  if (!attributes.is_object() || !attributes.contains("rate"))
    return util::Status::invalid("bandwidth: 'rate' (KB/s) is required");
  auto rate = number_attribute("bandwidth", attributes, "rate", 0, 0.001);
  if (!rate) return rate.error();
  return std::shared_ptr<Toxic>(std::make_shared<BandwidthToxic>(direction, *rate));
}

const bool k_registered = toxic_registry().add(
    {.name = "bandwidth", .summary = "bytes go on no faster than rate (KB/s)", .make = make});

}  // namespace
}  // namespace harness::net
