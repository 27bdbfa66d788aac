// slow-close {delay} (milliseconds; Toxiproxy's slow_close): a FIN waits `delay` in the proxy before it is passed
// on, as a peer that takes long to close its socket.
#include <set>

#include "harness/net/toxic.h"

namespace harness::net {
namespace {

class SlowCloseToxic final : public Toxic {
public:
  SlowCloseToxic(Direction direction, double delay_ms) : Toxic(direction), m_delay_ms(delay_ms) {}

  boost::asio::awaitable<void> closing(Link& link) override {
    m_connections.insert(link.connection_id());
    co_await link.sleep(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double, std::milli>(m_delay_ms)));
  }
  nlohmann::json report() const override { return {{"closes_delayed", m_connections.size()}}; }

private:
  double m_delay_ms;
  std::set<std::uint64_t> m_connections;
};

util::Expected<std::shared_ptr<Toxic>> make(Direction direction, const nlohmann::json& attributes) {
  if (auto status = check_attributes("slow-close", attributes, {"delay"}); !status) return status;
  auto delay = number_attribute("slow-close", attributes, "delay", 0, 0);
  if (!delay) return delay.error();
  return std::shared_ptr<Toxic>(std::make_shared<SlowCloseToxic>(direction, *delay));
}

const bool k_registered = toxic_registry().add(
    {.name = "slow-close", .summary = "a FIN waits delay (ms) before it is passed on", .make = make});

}  // namespace
}  // namespace harness::net
