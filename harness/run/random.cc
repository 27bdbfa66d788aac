#include "harness/run/random.h"

namespace harness::run {

std::uint64_t Random::next() {
  std::lock_guard lock(m_mutex);
  return m_engine();
}

std::uint64_t Random::below(std::uint64_t n) {
  std::lock_guard lock(m_mutex);
  return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(m_engine);
}

std::uint64_t choose_seed() {
  std::random_device device;
  std::uint64_t seed = 0;
  while (seed == 0) seed = device();
  return seed;
}

}  // namespace harness::run
