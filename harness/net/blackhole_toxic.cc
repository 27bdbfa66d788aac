// blackhole {}: data stops, connections stay open (Toxiproxy's `timeout` with timeout 0, a NAT or load balancer
// that silently dropped the flow). Unlike Toxiproxy, which drops the bytes, the chunk in flight is held and the
// way stops reading, so the sender's socket buffers fill as on a link that carries nothing and TCP would
// retransmit; when the toxic is removed the held bytes go on, as a healed partition delivers what TCP kept
// retrying. Neither side is told anything: a FIN is held as bytes are, and no RST is sent.
#include <functional>
#include <set>
#include <vector>

#include "harness/net/toxic.h"

namespace harness::net {
namespace {

class BlackholeToxic final : public Toxic {
public:
  using Toxic::Toxic;

  boost::asio::awaitable<void> transmit(Link& link, std::span<const char> bytes) override {
    if (m_present) {
      m_connections.insert(link.connection_id());
      m_bytes += bytes.size();
      m_wakers.push_back(link.waker());
      while (m_present && !link.closed()) co_await link.wait();
    }
    if (!link.closed()) co_await link.forward(bytes);
  }
  // A FIN is held too: a peer behind a blackhole does not learn that the other side closed.
  boost::asio::awaitable<void> closing(Link& link) override {
    if (!m_present) co_return;
    m_connections.insert(link.connection_id());
    m_wakers.push_back(link.waker());
    while (m_present && !link.closed()) co_await link.wait();
  }
  util::Status removed(Proxy&) override {
    m_present = false;
    auto wakers = std::move(m_wakers);
    for (auto& wake : wakers) wake();
    return {};
  }
  nlohmann::json report() const override {
    return {{"connections_affected", m_connections.size()}, {"bytes_held", m_bytes}};
  }

private:
  bool m_present = true;
  std::vector<std::function<void()>> m_wakers;
  std::set<std::uint64_t> m_connections;
  std::uint64_t m_bytes = 0;
};

util::Expected<std::shared_ptr<Toxic>> make(Direction direction, const nlohmann::json& attributes) {
  if (auto status = check_attributes("blackhole", attributes, {}); !status) return status;
  return std::shared_ptr<Toxic>(std::make_shared<BlackholeToxic>(direction));
}

const bool k_registered = toxic_registry().add(
    {.name = "blackhole", .summary = "data stops and is held, connections stay open", .make = make});

}  // namespace
}  // namespace harness::net
