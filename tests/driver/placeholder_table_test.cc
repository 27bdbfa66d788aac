// The loader checks placeholders against scenario::placeholder_keys() before anything starts; the runner expands them
// from the services' real values. This keeps the two equal: the local driver's instances are created (ports and
// credentials allocated, nothing started) and their table must hold exactly the keys the static one lists.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "harness/driver/driver.h"
#include "harness/driver/placeholders.h"
#include "harness/scenario/loader.h"
#include "harness/scenario/placeholder_keys.h"

namespace harness::driver {
namespace {

namespace fs = std::filesystem;

// Every kind, a redis with replicas and sentinels, a worker with two replicas, and the ledger a load adds; the
// servers' settings (`config:`), each a placeholder.
const char* const k_scenario = R"(name: every-kind
services:
  broker: {image: rabbitmq, config: {heartbeat: 10}}
  cache: {image: redis, replicas: 2, sentinels: 3, config: {maxmemory: 1mb}}
  db: {image: postgres, config: {max_connections: 20}}
  worker: {image: celery-worker, broker: broker, backend: db, replicas: 2}
  other: {image: celery-worker, broker_url: "{{cache.url}}"}
steps:
  - load: {count: 1}
)";

class TempPaths {
public:
  TempPaths() {
    m_root = fs::temp_directory_path() / ("celery-chaos-placeholders-" + std::to_string(::getpid()));
    fs::remove_all(m_root);
    for (const char* dir : {"work", "logs", "cache"}) fs::create_directories(m_root / dir);
  }
  ~TempPaths() {
    std::error_code ec;
    fs::remove_all(m_root, ec);
  }
  RunPaths paths() const { return RunPaths{m_root / "work", m_root / "logs", m_root / "cache", "test-run", {}}; }

private:
  fs::path m_root;
};

TEST(PlaceholderTableTest, local_driver_offers_exactly_the_keys_the_loader_checks_against) {
  auto loaded = scenario::load_scenario_text(k_scenario, "every-kind.yaml");
  ASSERT_TRUE(loaded.ok()) << (loaded.diagnostics.empty() ? "" : loaded.diagnostics.front().to_string());
  const TempPaths temp;
  auto services = make_local_driver()->create_services(*loaded.scenario, temp.paths());
  if (!services) GTEST_SKIP() << "the local driver cannot create the services here: " << services.error().message();

  PlaceholderTable table = placeholder_table(*services);
  // What the runner adds to the services' table (runner.cc, and local_driver.cc for the workers' settings).
  table["run.dir"] = "";
  table["run.id"] = "";
  table["run.fixtures"] = "";
  table["run.logs"] = "";
  std::vector<std::string> real;
  for (const auto& [key, value] : table) real.push_back(key);
  EXPECT_EQ(real, scenario::placeholder_keys(*loaded.scenario, scenario::PlaceholderScope::k_run));

  // The workers' command, URLs and environment are expanded from the data services' table (local_driver.cc).
  std::vector<std::unique_ptr<Service>> data_services;
  for (auto& service : *services)
    if (service->kind() != "celery-worker") data_services.push_back(std::move(service));
  PlaceholderTable data_table = placeholder_table(data_services);
  data_table["run.dir"] = "";
  data_table["run.id"] = "";
  data_table["run.fixtures"] = "";
  data_table["run.logs"] = "";
  std::vector<std::string> data_keys;
  for (const auto& [key, value] : data_table) data_keys.push_back(key);
  EXPECT_EQ(data_keys, scenario::placeholder_keys(*loaded.scenario, scenario::PlaceholderScope::k_worker_setup));
}

}  // namespace
}  // namespace harness::driver
