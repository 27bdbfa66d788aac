// How a server's `config:` reaches it: rabbitmq.conf's lines, and cuttlefish's own words picked out of a log that
// would not boot. (Redis's and PostgreSQL's are shown on real servers: tests/integration/server_config_test.cc.)
#include <gtest/gtest.h>

#include "harness/driver/local/rabbitmq_service.h"

namespace harness::driver::local {
namespace {

TEST(RabbitmqConf, the_scenarios_keys_follow_the_harnesss_own_lines) {
  EXPECT_EQ(rabbitmq_conf(5672, 15672, "u", "p", {{"consumer_timeout", "5000"}, {"heartbeat", "10"}}),
            "listeners.tcp.default = 127.0.0.1:5672\n"
            "management.tcp.ip = 127.0.0.1\n"
            "management.tcp.port = 15672\n"
            "default_user = u\n"
            "default_pass = p\n"
            "loopback_users = none\n"
            "log.console = true\n"
            "log.file = false\n"
            "collect_statistics_interval = 1000\n"
            "log.console.level = info\n"
            "consumer_timeout = 5000\n"
            "heartbeat = 10\n");
}

TEST(RabbitmqConf, a_scenarios_key_replaces_the_harnesss_default) {
  const std::string conf =
      rabbitmq_conf(5672, 15672, "u", "p", {{"collect_statistics_interval", "5000"}, {"log.console.level", "debug"}});
  EXPECT_EQ(conf.find("collect_statistics_interval = 1000"), std::string::npos);
  EXPECT_EQ(conf.find("log.console.level = info"), std::string::npos);
  EXPECT_NE(conf.find("collect_statistics_interval = 5000\n"), std::string::npos);
  EXPECT_NE(conf.find("log.console.level = debug\n"), std::string::npos);
}

// RabbitMQ 3.10.8's log of a node given `notakey = 5` and `heartbeat = abc` (cut): its own words come first, then
// ~50 lines of crash reports.
TEST(RabbitmqConf, configuration_errors_are_cuttlefishs_lines_once_each) {
  const std::string log =
      "2026-11-28 05:11:34.772484+00:00 [error] <0.132.0> You've tried to set notakey, but there is no setting with "
      "that name.\n"
      "2026-11-28 05:11:34.772501+00:00 [error] <0.132.0>   Did you mean one of these?\n"
      "2026-11-28 05:11:34.889922+00:00 [error] <0.132.0> Error preparing configuration in phase transform_datatypes:\n"
      "2026-11-28 05:11:34.889938+00:00 [error] <0.132.0>   - Conf file attempted to set unknown variable: notakey\n"
      "2026-11-28 05:11:40.836258+00:00 [error] <0.132.0>   - Error transforming datatype for: heartbeat\n"
      "2026-11-28 05:11:40.836313+00:00 [error] <0.132.0>   - \"abc\" cannot be converted to a(n) integer\n"
      "Error during startup: {error,failed_to_prepare_configuration}\n"
      "2026-11-28 05:11:40.841681+00:00 [error] <0.132.0> BOOT FAILED\n"
      "2026-11-28 05:11:34.889938+00:00 [error] <0.132.0>   - Conf file attempted to set unknown variable: notakey\n";
  EXPECT_EQ(configuration_errors(log),
            "You've tried to set notakey, but there is no setting with that name.\n"
            "Error preparing configuration in phase transform_datatypes:\n"
            "- Conf file attempted to set unknown variable: notakey\n"
            "- Error transforming datatype for: heartbeat\n"
            "- \"abc\" cannot be converted to a(n) integer\n");
  EXPECT_EQ(configuration_errors("2026-11-28 05:11:40.841681+00:00 [error] <0.132.0> BOOT FAILED\n"), "");
}

}  // namespace
}  // namespace harness::driver::local
