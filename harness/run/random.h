#pragma once
// The run's own randomness: one std::mt19937_64 per scenario run, seeded from the scenario's `seed:` (or
// `celery-chaos run --seed N`), so a run that chose at random replays with the seed its report shows. Every
// random choice the harness makes about a scenario (a fault's target among several, a jitter) draws from here,
// never from std::random_device. Not for secrets: passwords, cookies and node names stay unpredictable and
// unique per run (driver/local draws those from the OS).
#include <cstdint>
#include <mutex>
#include <random>

namespace harness::run {

class Random {
public:
  explicit Random(std::uint64_t seed) : m_seed(seed), m_engine(seed) {}

  std::uint64_t seed() const { return m_seed; }
  // The next number of the sequence, uniform over 64 bits. Thread-safe (faults and loads run on threads).
  std::uint64_t next();
  // Uniform in [0, n); REQUIRES: n > 0.
  std::uint64_t below(std::uint64_t n);

private:
  const std::uint64_t m_seed;
  std::mutex m_mutex;
  std::mt19937_64 m_engine;
};

// A seed for a scenario that names none: from the OS, never 0 (0 in a file means "choose one").
std::uint64_t choose_seed();

}  // namespace harness::run
