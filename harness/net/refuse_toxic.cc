// refuse {cut}: the proxy stops listening, so the kernel refuses new connections (ECONNREFUSED, as a service that
// is down); open connections go on, or with `cut: true` end with an RST both ways. Removing it listens again on
// the same port. Its direction is not used.
#include "harness/net/connection.h"
#include "harness/net/proxy.h"
#include "harness/net/toxic.h"

namespace harness::net {
namespace {

class RefuseToxic final : public Toxic {
public:
  RefuseToxic(Direction direction, bool cut) : Toxic(direction), m_cut(cut) {}

  util::Status added(Proxy& proxy) override {
    proxy.stop_listening();
    if (m_cut) {
      for (const auto& connection : proxy.connections()) {
        ++m_cut_count;
        connection->reset(Direction::k_both, "refuse toxic");
      }
    }
    return {};
  }
  // A connection accepted as the listening stopped opens after added(): cut too, with `cut`.
  void connection_opened(Connection& connection) override {
    if (!m_cut) return;
    ++m_cut_count;
    connection.reset(Direction::k_both, "refuse toxic");
  }
  util::Status removed(Proxy& proxy) override { return proxy.listen(); }
  nlohmann::json report() const override { return {{"connections_cut", m_cut_count}}; }

private:
  bool m_cut;
  std::uint64_t m_cut_count = 0;
};

util::Expected<std::shared_ptr<Toxic>> make(Direction direction, const nlohmann::json& attributes) {
  if (auto status = check_attributes("refuse", attributes, {"cut"}); !status) return status;
  bool cut = false;
  if (attributes.is_object() && attributes.contains("cut")) {
    if (!attributes.at("cut").is_boolean()) return util::Status::invalid("refuse: 'cut' must be true or false");
    cut = attributes.at("cut").get<bool>();
  }
  return std::shared_ptr<Toxic>(std::make_shared<RefuseToxic>(direction, cut));
}

const bool k_registered = toxic_registry().add(
    {.name = "refuse", .summary = "new connections refused; open ones kept, or cut with an RST", .make = make});

}  // namespace
}  // namespace harness::net
