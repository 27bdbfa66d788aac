// The celery-monitor service kind as the reader sees it: its image, its `watch:` (and its default), its broker.
#include <gtest/gtest.h>

#include "harness/scenario/service_reader.h"
#include "tests/scenario/scenario_test_util.h"

namespace harness::scenario {
namespace {

using testing::load_error;
using testing::load_ok;

const std::string k_head = "name: t\nservices:\n  broker: {image: rabbitmq}\n  other: {image: rabbitmq}\n";

TEST(CeleryMonitorKind, a_flower_or_celery_monitor_image_implies_it_and_no_worker) {
  EXPECT_EQ(infer_kind("mher/flower:2.0"), ServiceKind::k_celery_monitor);
  EXPECT_EQ(infer_kind("celery-monitor"), ServiceKind::k_celery_monitor);
  EXPECT_EQ(infer_kind("celery-worker"), ServiceKind::k_celery_worker);
}

TEST(CeleryMonitorKind, watches_every_worker_on_its_broker_by_default) {
  const Scenario s = load_ok(k_head +
                             "  a: {image: celery-worker, broker: broker}\n"
                             "  b: {image: celery-worker, broker: other}\n"
                             "  c: {image: celery-worker, broker: broker}\n"
                             "  flower: {image: flower, broker: broker}\n");
  EXPECT_EQ(s.find_service("flower")->watch, (std::vector<std::string>{"a", "c"}));
  const Scenario named = load_ok(k_head + "  a: {image: celery-worker, broker: broker}\n"
                                          "  b: {image: celery-worker, broker: other}\n"
                                          "  flower: {kind: celery-monitor, broker: broker, watch: [b]}\n");
  EXPECT_EQ(named.find_service("flower")->watch, (std::vector<std::string>{"b"}));
}

TEST(CeleryMonitorKind, watch_names_celery_worker_services) {
  EXPECT_EQ(load_error(k_head + "  worker: {image: celery-worker, broker: broker}\n"
                                "  flower: {kind: celery-monitor, broker: broker, watch: [workr]}\n"),
            "test.yaml:6:58: service 'flower' refers to undefined service 'workr' (did you mean 'worker'?)");
  EXPECT_EQ(load_error(k_head + "  worker: {image: celery-worker, broker: broker}\n"
                                "  flower: {kind: celery-monitor, broker: broker, watch: [other]}\n"),
            "test.yaml:6:58: watch 'other' of service 'flower' is a rabbitmq service (expected celery-worker)");
  EXPECT_EQ(load_error(k_head + "  worker: {image: celery-worker, broker: broker}\n"
                                "  flower: {kind: celery-monitor, broker: broker, watch: []}\n"),
            "test.yaml:6:57: 'watch' must be a list of celery-worker service names (e.g. [worker]), got a list");
}

TEST(CeleryMonitorKind, needs_a_broker_and_a_worker_on_it) {
  EXPECT_EQ(load_error(k_head + "  worker: {image: celery-worker, broker: broker}\n"
                                "  flower: {kind: celery-monitor}\n"),
            "test.yaml:6:3: celery-monitor service 'flower' needs 'broker' (the name of a rabbitmq or redis service) "
            "or 'broker_url'");
  EXPECT_EQ(load_error(k_head + "  worker: {image: celery-worker, broker: broker}\n"
                                "  flower: {kind: celery-monitor, broker: other}\n"),
            "test.yaml:6:3: celery-monitor service 'flower' watches no celery-worker: none is on its broker (add "
            "`watch: [NAME]`)");
  EXPECT_EQ(load_error(k_head + "  worker: {image: celery-worker, broker: broker}\n"
                                "  flower: {kind: celery-monitor, broker: broker, concurrency: 2}\n"),
            "test.yaml:6:50: 'concurrency' applies only to celery-worker services ('flower' is a celery-monitor "
            "service)");
}

}  // namespace
}  // namespace harness::scenario
