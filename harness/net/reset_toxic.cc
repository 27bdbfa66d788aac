// reset {} (Toxiproxy's reset_peer with timeout 0): every open connection ends at once with an RST (SO_LINGER 0
// then close), and so does every connection that opens while the toxic is present. The direction says who gets
// the RST: downstream the client, upstream the service, both both; the other side gets a normal close.
#include "harness/net/connection.h"
#include "harness/net/proxy.h"
#include "harness/net/toxic.h"

namespace harness::net {
namespace {

class ResetToxic final : public Toxic {
public:
  using Toxic::Toxic;

  util::Status added(Proxy& proxy) override {
    for (const auto& connection : proxy.connections()) connection_opened(*connection);
    return {};
  }
  void connection_opened(Connection& connection) override {
    ++m_connections;
    connection.reset(direction(), "reset toxic");
  }
  nlohmann::json report() const override { return {{"connections_reset", m_connections}}; }

private:
  std::uint64_t m_connections = 0;
};

util::Expected<std::shared_ptr<Toxic>> make(Direction direction, const nlohmann::json& attributes) {
  if (auto status = check_attributes("reset", attributes, {}); !status) return status;
  return std::shared_ptr<Toxic>(std::make_shared<ResetToxic>(direction));
}

const bool k_registered = toxic_registry().add(
    {.name = "reset", .summary = "every connection ends with an RST, now and while present", .make = make});

}  // namespace
}  // namespace harness::net
