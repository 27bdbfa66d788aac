// latency {latency, jitter} (milliseconds, Toxiproxy's units): every chunk waits latency ± a uniform jitter
// before it goes on. A way passes one chunk at a time, so the delay is per chunk read: a bulk transfer under
// latency moves one read's worth (up to 256 KiB) per delay. `seed` makes the jitter replayable.
#include <random>
#include <set>

#include "harness/net/toxic.h"

namespace harness::net {
namespace {

class LatencyToxic final : public Toxic {
public:
  LatencyToxic(Direction direction, double latency_ms, double jitter_ms, unsigned seed)
      : Toxic(direction), m_latency_ms(latency_ms), m_jitter_ms(jitter_ms), m_random(seed) {}

  boost::asio::awaitable<void> transmit(Link& link, std::span<const char> bytes) override {
    double delay = m_latency_ms;
    if (m_jitter_ms > 0) delay += std::uniform_real_distribution<double>(-m_jitter_ms, m_jitter_ms)(m_random);
    if (delay < 0) delay = 0;
    m_connections.insert(link.connection_id());
    m_bytes += bytes.size();
    co_await link.sleep(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double, std::milli>(delay)));
    if (!link.closed()) co_await link.forward(bytes);
  }
  nlohmann::json report() const override {
    return {{"connections_affected", m_connections.size()}, {"bytes_delayed", m_bytes}};
  }

private:
  double m_latency_ms;
  double m_jitter_ms;
  std::mt19937 m_random;
  std::set<std::uint64_t> m_connections;
  std::uint64_t m_bytes = 0;
};

util::Expected<std::shared_ptr<Toxic>> make(Direction direction, const nlohmann::json& attributes) {
  if (auto status = check_attributes("latency", attributes, {"latency", "jitter", "seed"}); !status) return status;
  auto latency = number_attribute("latency", attributes, "latency", 0, 0);
  if (!latency) return latency.error();
  auto jitter = number_attribute("latency", attributes, "jitter", 0, 0);
  if (!jitter) return jitter.error();
  auto seed = number_attribute("latency", attributes, "seed", 0, 0);
  if (!seed) return seed.error();
  return std::shared_ptr<Toxic>(
      std::make_shared<LatencyToxic>(direction, *latency, *jitter, static_cast<unsigned>(*seed)));
}

const bool k_registered = toxic_registry().add(
    {.name = "latency", .summary = "every chunk waits latency ± jitter (ms) before it goes on", .make = make});

}  // namespace
}  // namespace harness::net
