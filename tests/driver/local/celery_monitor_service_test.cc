// The celery-monitor's events file: monitor.py runs in the fixtures folder, so the path it is given must not depend
// on the harness's working directory (a relative --report-dir, as scripts/bootstrap passes, broke it on a fresh
// machine: "No such file or directory: 'reports/.../logs/flower.events.jsonl'").
#include "harness/driver/local/celery_monitor_service.h"

#include <gtest/gtest.h>

namespace harness::driver::local {
namespace {

TEST(CeleryMonitorService, its_events_file_is_absolute_under_a_relative_report_folder) {
  scenario::Service spec;
  spec.name = "flower";
  RunPaths paths;
  paths.logs_dir = "reports/run-1/scenario/logs";
  const auto monitor = CeleryMonitorService::create(spec, MonitorSettings{}, paths);
  const std::filesystem::path events = monitor->placeholders().at("events");
  EXPECT_TRUE(events.is_absolute()) << events;
  EXPECT_EQ(events, std::filesystem::absolute("reports/run-1/scenario/logs/flower.events.jsonl"));
}

}  // namespace
}  // namespace harness::driver::local
