// Delivery checker benchmark (issue 3: "checker over a 1,000,000-execution history: under 1 s and under 200 MB").
// Generates, in a temporary folder, a history.jsonl with N load.publish events (and a few other events, two
// faults) and a ledger.jsonl with about N executions — a few lost, duplicated, phantom and failed-but-executed
// tasks among them — then times judge_delivery end to end: reading both files, analysing, writing delivery.json.
// Reports the wall time, the peak RSS (getrusage ru_maxrss) and its increase over the RSS before the run, and,
// as a baseline, the time nlohmann::json takes only to parse the same two files line by line.
//
//   build/tests/delivery_bench [N] [--keep]      (default N = 1000000; --keep leaves the folder behind)
//
// The data is random from a seed (printed): DELIVERY_BENCH_SEED=... replays it.
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "harness/check/delivery_check.h"

namespace {
using Clock = std::chrono::steady_clock;
using File = std::unique_ptr<std::FILE, int (*)(std::FILE*)>;

constexpr double k_t0 = 1763832000.0;  // wall clock of the first publish, epoch seconds
constexpr double k_rate = 10'000;      // publishes per second
constexpr int k_lost = 5, k_duplicated = 5, k_phantom = 3, k_failed = 10, k_failed_executed = 2;

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

long current_rss_kb() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

// User + system CPU seconds of the process so far: unlike wall time, not inflated by other work on the machine.
double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto s = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return s(usage.ru_utime) + s(usage.ru_stime);
}

long peak_rss_kb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

std::string uuid4(std::mt19937_64& rng) {
  std::uint64_t hi = rng(), lo = rng();
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // variant 10
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%08" PRIx64 "-%04" PRIx64 "-%04" PRIx64 "-%04" PRIx64 "-%012" PRIx64, hi >> 32,
                (hi >> 16) & 0xFFFF, hi & 0xFFFF, lo >> 48, static_cast<std::uint64_t>(lo & 0xFFFFFFFFFFFFULL));
  return buffer;
}

std::string iso(double epoch) {
  const auto whole = static_cast<std::time_t>(epoch);
  std::tm tm{};
  gmtime_r(&whole, &tm);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>((epoch - whole) * 1000));
  return buffer;
}

void event(std::FILE* f, double epoch, const char* type, const char* service, const std::string& data) {
  std::fprintf(f, "{\"t\":%.6f,\"time\":\"%s\",\"type\":\"%s\",", epoch - k_t0 + 3, iso(epoch).c_str(), type);
  if (*service) std::fprintf(f, "\"service\":\"%s\",", service);
  std::fprintf(f, "\"data\":%s}\n", data.c_str());
}

void execution(std::FILE* f, const std::string& id, int worker, double started, bool redelivered) {
  std::fprintf(f,
               "{\"task_id\":\"%s\",\"task\":\"probe.record\",\"worker\":\"worker-%d@cc-bench\",\"pid\":%d,"
               "\"attempt\":0,\"redelivered\":%s,\"started\":%.7f,\"finished\":%.7f}\n",
               id.c_str(), worker, 4000 + worker, redelivered ? "true" : "false", started, started + 0.0004);
}

// Both files, streamed: nothing of the data stays in memory, so the peak RSS is the checker's.
void generate(const std::filesystem::path& dir, long n, std::uint64_t seed) {
  File history(std::fopen((dir / "history.jsonl").c_str(), "w"), &std::fclose);
  File ledger(std::fopen((dir / "ledger.jsonl").c_str(), "w"), &std::fclose);
  std::mt19937_64 rng(seed);
  std::exponential_distribution<double> latency(1 / 0.004);  // mean 4 ms
  const double pause_start = k_t0 + 0.4 * static_cast<double>(n) / k_rate, pause_end = pause_start + 5;
  const double kill_at = k_t0 + 0.7 * static_cast<double>(n) / k_rate;
  event(history.get(), k_t0 - 3, "run.begin", "", R"({"scenario":"bench"})");
  event(history.get(), k_t0 - 1, "load.begin", "", R"({"load":"load-1","task":"probe.record"})");
  bool paused = false, resumed = false, killed = false;
  for (long i = 0; i < n; ++i) {
    const double at = k_t0 + static_cast<double>(i) / k_rate;
    if (!paused && at >= pause_start) {
      event(history.get(), pause_start, "fault.start", "worker.1", R"({"kind":"pause","signal":"SIGSTOP"})");
      paused = true;
    }
    if (paused && !resumed && at >= pause_end) {
      event(history.get(), pause_end, "fault.end", "worker.1", R"({"kind":"pause"})");
      event(history.get(), pause_end, "health.probe", "worker.1", R"({"exit_code":0,"output":"pong"})");
      resumed = true;
    }
    if (!killed && at >= kill_at) {
      event(history.get(), kill_at, "fault.start", "worker.2", R"({"kind":"kill","signal":"SIGKILL"})");
      killed = true;
    }
    const std::string id = uuid4(rng);
    const bool failed = i % (n / k_failed) == 7;
    const std::string outcome = failed ? "failed" : "confirmed";
    event(history.get(), at, "load.publish", "",
          "{\"load\":\"load-1\",\"id\":\"" + id + "\",\"outcome\":\"" + outcome + "\",\"at\":" +
              std::to_string(at) + ",\"took_ms\":0.412" +
              (failed ? ",\"error\":\"OperationalError: [Errno 104] Connection reset by peer\"" : "") + "}");
    const bool lost = i % (n / k_lost) == 3;
    if (lost || (failed && i % (n / k_failed_executed) != 7)) continue;
    double started = at + latency(rng);
    if (started >= pause_start && started < pause_start + 5) started = pause_start + 5 + latency(rng);  // backlog
    const int worker = 1 + static_cast<int>(i % 2);
    execution(ledger.get(), id, worker, started, false);
    if (i % (n / k_duplicated) == 11) execution(ledger.get(), id, 3 - worker, started + 30, true);
  }
  for (int i = 0; i < k_phantom; ++i) execution(ledger.get(), uuid4(rng), 1, kill_at + i, false);
  event(history.get(), k_t0 + static_cast<double>(n) / k_rate + 1, "load.end", "", R"({"load":"load-1"})");
}

// The baseline: how long nlohmann::json takes just to parse both files, line by line.
double nlohmann_parse_seconds(const std::filesystem::path& dir) {
  const auto start = Clock::now();
  std::size_t fields = 0;
  for (const char* name : {"history.jsonl", "ledger.jsonl"}) {
    std::ifstream in(dir / name);
    std::string line;
    while (std::getline(in, line)) {
      const auto json = nlohmann::json::parse(line, nullptr, false);
      fields += json.size();
    }
  }
  if (fields == 0) std::cerr << "nothing parsed\n";
  return seconds(Clock::now() - start);
}
}  // namespace

int main(int argc, char** argv) {
  long n = 1'000'000;
  bool keep = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--keep") == 0)
      keep = true;
    else
      n = std::atol(argv[i]);
  }
  if (n < 1000) {
    std::cerr << "usage: delivery_bench [N >= 1000] [--keep]\n";
    return 2;
  }
  const char* seed_text = std::getenv("DELIVERY_BENCH_SEED");
  const std::uint64_t seed = seed_text ? std::strtoull(seed_text, nullptr, 10) : std::random_device{}();
  std::string pattern = (std::filesystem::temp_directory_path() / "delivery_bench-XXXXXX").string();
  if (!mkdtemp(pattern.data())) {
    std::perror("mkdtemp");
    return 1;
  }
  const std::filesystem::path dir = pattern;

  auto t = Clock::now();
  generate(dir, n, seed);
  const double generate_s = seconds(Clock::now() - t);
  const auto mb = [](std::uintmax_t bytes) { return static_cast<double>(bytes) / 1e6; };
  std::printf("delivery_bench: seed %" PRIu64
              ", %ld publishes; generated %.1f MB history + %.1f MB ledger in %.2f s (%s)\n",
              seed, n, mb(std::filesystem::file_size(dir / "history.jsonl")),
              mb(std::filesystem::file_size(dir / "ledger.jsonl")), generate_s, dir.c_str());

  harness::check::DeliveryParams check;
  check.lost = harness::scenario::CountBound{harness::scenario::CountBound::Op::k_eq, k_lost};
  check.recovery = std::chrono::seconds{30};
  const long rss_before = current_rss_kb();
  const double cpu_before = cpu_seconds();
  t = Clock::now();
  const auto verdict = harness::check::judge_delivery(check, "bench", "bench.delivery", dir / "history.jsonl",
                                                      dir / "ledger.jsonl", dir / "delivery.json");
  const double judge_s = seconds(Clock::now() - t);
  const double judge_cpu_s = cpu_seconds() - cpu_before;
  const long peak = peak_rss_kb();
  std::printf("judge_delivery: %s: %s\n", harness::check::to_string(verdict.outcome), verdict.message.c_str());
  const double baseline_s = nlohmann_parse_seconds(dir);
  std::printf(
      "delivery checker x%ld: %.3f s end to end (target < 1 s; %.3f s CPU on 2 threads); peak RSS %.1f MB, +%.1f MB "
      "over the %.1f MB before (target < 200 MB); baseline: nlohmann::json only parsing the two files %.3f s\n",
      n, judge_s, judge_cpu_s, static_cast<double>(peak) / 1024, static_cast<double>(peak - rss_before) / 1024,
      static_cast<double>(rss_before) / 1024, baseline_s);
  if (!keep) std::filesystem::remove_all(dir);
  return verdict.outcome == harness::check::Outcome::k_error ? 1 : 0;
}
