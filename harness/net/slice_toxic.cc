// slice {average_size, variation, delay} (bytes, bytes, microseconds; Toxiproxy's slicer with size_variation
// named variation): every chunk is cut into pieces of average_size ± a uniform variation bytes, sent `delay`
// apart, as a peer that writes in small pieces. `seed` makes the sizes replayable.
#include <algorithm>
#include <random>

#include "harness/net/toxic.h"

namespace harness::net {
namespace {

class SliceToxic final : public Toxic {
public:
  SliceToxic(Direction direction, double average, double variation, double delay_us, unsigned seed)
      : Toxic(direction), m_average(average), m_variation(variation), m_delay_us(delay_us), m_random(seed) {}

  boost::asio::awaitable<void> transmit(Link& link, std::span<const char> bytes) override {
    bool first = true;
    while (!bytes.empty() && !link.closed()) {
      if (!first)
        co_await link.sleep(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::duration<double, std::micro>(m_delay_us)));
      if (link.closed()) co_return;
      first = false;
      double size = m_average;
      if (m_variation > 0) size += std::uniform_real_distribution<double>(-m_variation, m_variation)(m_random);
      const auto part = bytes.first(std::min(bytes.size(), std::max<std::size_t>(1, static_cast<std::size_t>(size))));
      ++m_pieces;
      co_await link.forward(part);
      bytes = bytes.subspan(part.size());
    }
  }
  nlohmann::json report() const override { return {{"pieces_sent", m_pieces}}; }

private:
  double m_average;
  double m_variation;
  double m_delay_us;
  std::mt19937 m_random;
  std::uint64_t m_pieces = 0;
};

util::Expected<std::shared_ptr<Toxic>> make(Direction direction, const nlohmann::json& attributes) {
  if (auto status = check_attributes("slice", attributes, {"average_size", "variation", "delay", "seed"}); !status)
    return status;
  auto average = number_attribute("slice", attributes, "average_size", 1024, 1);
  if (!average) return average.error();
  auto variation = number_attribute("slice", attributes, "variation", 0, 0);
  if (!variation) return variation.error();
  auto delay = number_attribute("slice", attributes, "delay", 0, 0);
  if (!delay) return delay.error();
  auto seed = number_attribute("slice", attributes, "seed", 0, 0);
  if (!seed) return seed.error();
  return std::shared_ptr<Toxic>(
      std::make_shared<SliceToxic>(direction, *average, *variation, *delay, static_cast<unsigned>(*seed)));
}

const bool k_registered = toxic_registry().add(
    {.name = "slice",
     .summary = "chunks cut into pieces of average_size ± variation bytes, delay (us) apart",
     .make = make});

}  // namespace
}  // namespace harness::net
