// A run reports only the verdicts it earned: interrupted, timed-out, killed, aborted-step and expect: fail runs,
// and hostile bytes, end to end with the celery-chaos binary and real services.
#include <gmock/gmock.h>

#include <nlohmann/json.hpp>

#include "tests/integration/cli_harness.h"

namespace {
using testing::HasSubstr;
using testing::Not;

// The cheapest real stack: one Redis. `steps` and `checks` are appended as written.
std::string redis_scenario(const std::string& name, const std::string& steps, const std::string& checks) {
  return "name: " + name + "\nservices:\n  cache: {image: redis}\nsteps:\n" + steps + "checks:\n" + checks;
}

const char* k_ready_check = "  - name: redis logs that it is ready\n"
                            "    log: {service: cache, contains: \"Ready to accept connections\"}\n";

// The harness started in the background, its stdout+stderr in harness.log of `dir`.
std::unique_ptr<harness::process::ChildProcess> spawn_harness(const test::TempDir& dir,
                                                              const std::vector<std::string>& files) {
  harness::process::SpawnOptions options;
  options.argv = {CELERY_CHAOS_BINARY, "run"};
  options.argv.insert(options.argv.end(), files.begin(), files.end());
  options.argv.insert(options.argv.end(), {"--report-dir", (dir.path() / "reports").string()});
  options.log_file = dir.path() / "harness.log";
  // The services' data in the test's folder: a SIGKILLed harness cannot remove it, the test's TempDir does.
  options.environment["CELERY_CHAOS_WORK_DIR"] = (dir.path() / "work").string();
  auto harness = harness::process::ChildProcess::spawn(options);
  EXPECT_TRUE(harness.has_value()) << harness.error().message();
  return harness ? std::move(*harness) : nullptr;
}

nlohmann::json read_json(const test::fs::path& path) { return nlohmann::json::parse(test::read_file(path)); }

TEST(RunTruth, ctrl_c_is_an_error_naming_the_step_and_the_scenarios_that_did_not_start_are_skipped) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const auto first = dir.write("1-long.yaml", redis_scenario("long",
                                                             "  - wait: {ready: [cache]}\n"
                                                             "  - exec: {command: \"true\", expect_exit: 0}\n"
                                                             "  - wait: 10m\n",
                                                             k_ready_check));
  const auto second = dir.write("2-never.yaml", redis_scenario("never", "  - wait: 1s\n", k_ready_check));
  auto harness = spawn_harness(dir, {first.string(), second.string()});
  ASSERT_TRUE(harness);
  // The third step has begun once the history records it (the reports' `latest` link exists from the start).
  const auto history = dir.path() / "reports" / "latest" / "long" / "history.jsonl";
  ASSERT_TRUE(test::eventually(
      [&] { return test::read_file(history).find(R"("type":"step.begin","data":{"index":3,)") != std::string::npos; },
      std::chrono::seconds{120}))
      << test::read_file(dir.path() / "harness.log");
  harness->signal(SIGINT);
  const auto status = harness->wait_for(std::chrono::seconds{30});
  ASSERT_TRUE(status.has_value()) << "the harness did not stop within 30 s of Ctrl-C";
  EXPECT_EQ(status->code, 130);

  const auto run = test::latest_run(dir.path() / "reports");
  const std::string junit = test::read_file(run / "junit.xml");
  EXPECT_THAT(junit, HasSubstr("<error message=\"interrupted by SIGINT at step 3 (wait, line 7)\""));
  EXPECT_THAT(junit, HasSubstr("<skipped message=\"not judged: interrupted by SIGINT at step 3 (wait, line 7)\""));
  EXPECT_THAT(junit, HasSubstr("<testsuite name=\"never\""));
  EXPECT_THAT(junit, HasSubstr("<skipped message=\"not run: the run was interrupted by SIGINT before this scenario "
                               "started\""));
  const auto summary = read_json(run / "summary.json");
  EXPECT_EQ(summary["passed"], false);
  EXPECT_EQ(summary["interrupted"], "SIGINT");
  EXPECT_EQ(summary["counts"]["errors"], 1);
  ASSERT_EQ(summary["scenarios"].size(), 2u);
  EXPECT_EQ(summary["scenarios"][1]["passed"], false);
  EXPECT_THAT(test::read_file(dir.path() / "harness.log"), HasSubstr("celery-chaos: interrupted by SIGINT; 1 scenario(s) not run"));
}

TEST(RunTruth, a_sigkilled_harness_leaves_the_reports_of_the_scenarios_it_finished) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const auto first = dir.write("1-first.yaml", redis_scenario("first", "  - wait: {ready: [cache]}\n", k_ready_check));
  const auto second = dir.write("2-second.yaml", redis_scenario("second", "  - wait: 10m\n", k_ready_check));
  auto harness = spawn_harness(dir, {first.string(), second.string()});
  ASSERT_TRUE(harness);
  const pid_t pid = harness->pid();
  // The second scenario runs: the first one's reports must already be on disk.
  ASSERT_TRUE(test::eventually([&] {
    const std::string log = test::read_file(dir.path() / "harness.log");
    return log.find("all ready", log.find("first: passed")) != std::string::npos;
  }, std::chrono::seconds{120})) << test::read_file(dir.path() / "harness.log");
  harness->signal(SIGKILL);
  ASSERT_TRUE(harness->wait_for(std::chrono::seconds{10}).has_value());
  // What the dead harness left running (its services carry its mark).
  for (const pid_t left : test::processes_owned_by(pid)) ::kill(left, SIGKILL);
  EXPECT_TRUE(test::eventually([&] { return test::processes_owned_by(pid).empty(); }, std::chrono::seconds{10}));

  const auto run = test::latest_run(dir.path() / "reports");
  const std::string junit = test::read_file(run / "junit.xml");
  EXPECT_THAT(junit, HasSubstr("<testsuite name=\"first\" tests=\"1\" failures=\"0\" errors=\"0\""));
  EXPECT_THAT(junit, Not(HasSubstr("<testsuite name=\"second\"")));
  EXPECT_EQ(read_json(run / "summary.json")["scenarios"][0]["name"], "first");
  EXPECT_FALSE(test::fs::exists(run / "junit.xml.tmp"));
}

TEST(RunTruth, a_timeout_while_booting_is_a_failure_naming_the_scenario_the_timeout_and_where_it_was) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  // RabbitMQ takes seconds to boot: a 1 s scenario timeout ends the run while it boots.
  const auto file = dir.write("slow-boot.yaml", R"(name: slow-boot
timeout: 1s
services:
  broker: {image: rabbitmq}
checks:
  - log: {service: broker, contains: "started"}
)");
  auto result = test::run_cli({"run", file.string(), "--report-dir", (dir.path() / "reports").string()});
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_THAT(result.output, HasSubstr("scenario 'slow-boot' exceeded its timeout of 1s while booting"));
  EXPECT_THAT(result.output, Not(HasSubstr("interrupted")));
  const std::string junit = test::read_file(test::latest_run(dir.path() / "reports") / "junit.xml");
  EXPECT_THAT(junit, HasSubstr("<failure message=\"scenario 'slow-boot' exceeded its timeout of 1s while booting\""));
}

TEST(RunTruth, a_timeout_in_a_step_is_a_failure_naming_the_step) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const auto file = dir.write("slow.yaml", "timeout: 3s\n" + redis_scenario("slow",
                                                                           "  - wait: {ready: [cache]}\n"
                                                                           "  - wait: 10m\n",
                                                                           k_ready_check));
  auto result = test::run_cli({"run", file.string(), "--report-dir", (dir.path() / "reports").string()});
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_THAT(result.output, HasSubstr("scenario 'slow' exceeded its timeout of 3s at step 2 (wait, line 7)"));
  const auto summary = read_json(test::latest_run(dir.path() / "reports") / "summary.json");
  EXPECT_FALSE(summary.contains("interrupted"));
}

TEST(RunTruth, under_expect_fail_a_failed_check_is_an_xfail_showing_what_failed) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const auto file = dir.write("known-bad.yaml", "expect: fail\n" +
      redis_scenario("known-bad", "  - wait: {ready: [cache]}\n",
                     std::string(k_ready_check) + "  - name: a line redis never logs\n"
                                                  "    log: {service: cache, contains: \"not in any redis log\"}\n"));
  auto result = test::run_cli({"run", file.string(), "--report-dir", (dir.path() / "reports").string()});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("  XFAIL a line redis never logs\n"
                                       "        expected the log of 'cache' to contain 'not in any redis log'"));
  EXPECT_THAT(result.output, HasSubstr("  PASS  redis logs that it is ready\n"));
  const auto run = test::latest_run(dir.path() / "reports");
  EXPECT_THAT(test::read_file(run / "junit.xml"),
              HasSubstr("<system-out>failed as expected (expect: fail): expected the log of 'cache' to contain"));
  const auto summary = read_json(run / "summary.json");
  EXPECT_EQ(summary["counts"]["xfailed"], 1);
  EXPECT_EQ(summary["counts"]["failures"], 0);
  EXPECT_EQ(summary["scenarios"][0]["verdicts"][1]["outcome"], "xfailed");
}

TEST(RunTruth, a_failed_exec_check_shows_the_tail_of_its_output_with_control_characters_escaped) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const auto file = dir.write("noisy.yaml", redis_scenario("noisy", "  - wait: {ready: [cache]}\n",
      "  - name: a command that fails loudly\n"
      "    exec: {command: \"for i in $(seq 1 30); do echo output line $i; done; printf 'esc:\\\\033[31mred\\\\n'; "
      "exit 3\"}\n"));
  auto result = test::run_cli({"run", file.string(), "--report-dir", (dir.path() / "reports").string()});
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_THAT(result.output, HasSubstr("expected exit code 0; it exited with 3"));
  EXPECT_THAT(result.output, HasSubstr("        output line 30\n"));
  EXPECT_THAT(result.output, HasSubstr("        esc:\\x1B[31mred\n"));
  EXPECT_THAT(result.output, Not(HasSubstr("output line 20\n")));  // the last 10 lines only
  EXPECT_THAT(result.output, Not(HasSubstr("\x1B")));
}

TEST(RunTruth, after_a_failed_step_the_checks_are_skipped_not_judged) {
  REQUIRE_SERVICES();
  test::TempDir dir;
  const auto file = dir.write("aborted.yaml", redis_scenario("aborted",
      "  - exec: {command: \"exit 7\", expect_exit: 0}\n"
      "  - exec: {command: \"redis-cli -p {{cache.port}} -a {{cache.password}} --no-auth-warning set k v\"}\n",
      std::string(k_ready_check) +
          "  - name: the key the second step sets\n"
          "    exec: {command: \"redis-cli -p {{cache.port}} -a {{cache.password}} --no-auth-warning get k\", "
          "output_contains: v}\n"));
  auto result = test::run_cli({"run", file.string(), "--report-dir", (dir.path() / "reports").string()});
  EXPECT_EQ(result.exit_code, 1) << result.output;
  const std::string junit = test::read_file(test::latest_run(dir.path() / "reports") / "junit.xml");
  EXPECT_THAT(junit, HasSubstr("tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"2\""));
  EXPECT_THAT(junit, HasSubstr("<failure message=\"expected exit code 0, got 7: exit 7\""));
  EXPECT_THAT(junit, HasSubstr("<skipped message=\"not judged: step 1 (line 5) failed\""));
}

// npm's junit2json, installed into the build tree once (the test's own setup): a real consumer of the JUnit.
// Empty with `why` set when it cannot be had.
test::fs::path junit2json(std::string& why) {
  const auto prefix = test::fs::path(CELERY_CHAOS_BINARY).parent_path() / "node";
  const auto bin = prefix / "node_modules" / ".bin" / "junit2json";
  if (test::fs::exists(bin)) return bin;
  if (!test::have("/usr/bin/npm")) {
    why = "npm not installed (scripts/install-deps)";
    return {};
  }
  harness::process::SpawnOptions options;
  options.argv = {"npm", "install", "--prefix", prefix.string(), "--no-audit", "--no-fund", "junit2json"};
  const auto installed = harness::process::run_command(options, std::chrono::seconds{300});
  if (!installed.status || installed.status->code != 0 || !test::fs::exists(bin)) {
    why = "npm could not install junit2json (is the npm registry reachable?): " + installed.output;
    return {};
  }
  return bin;
}

TEST(RunTruth, hostile_names_and_output_never_reach_the_terminal_raw_and_the_junit_is_read_by_junit2json) {
  REQUIRE_SERVICES();
  std::string why;
  const auto consumer = junit2json(why);
  if (consumer.empty()) GTEST_SKIP() << why;
  test::TempDir dir;
  // A check name with ESC and BEL, and output with ANSI escapes, invalid UTF-8 and a NUL.
  const auto file = dir.write("hostile.yaml", redis_scenario("hostile", "  - wait: {ready: [cache]}\n",
      "  - name: \"evil \\e]0;owned\\a name \\u00e9\"\n"
      "    exec: {command: \"printf 'bad:\\\\377\\\\376 nul:\\\\000 esc:\\\\033[2J'; exit 1\"}\n"));
  auto result = test::run_cli({"run", file.string(), "--report-dir", (dir.path() / "reports").string()});
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_THAT(result.output, HasSubstr("FAIL  evil \\x1B]0;owned\\x07 name \xC3\xA9\n"));
  EXPECT_THAT(result.output, HasSubstr("bad:\\xFF\\xFE nul:\\x00 esc:\\x1B[2J"));
  EXPECT_THAT(result.output, Not(HasSubstr("\x1B")));
  EXPECT_THAT(result.output, Not(HasSubstr("\x07")));

  const auto junit = test::latest_run(dir.path() / "reports") / "junit.xml";
  harness::process::SpawnOptions options;
  options.argv = {consumer.string(), junit.string()};
  const auto converted = harness::process::run_command(options, std::chrono::seconds{60});
  ASSERT_TRUE(converted.status.has_value());
  ASSERT_EQ(converted.status->code, 0) << converted.output;
  const auto json = nlohmann::json::parse(converted.output, nullptr, /*allow_exceptions=*/false);
  ASSERT_FALSE(json.is_discarded()) << converted.output;
  const std::string text = json.dump();
  EXPECT_THAT(text, HasSubstr("evil \\\\x1B]0;owned\\\\x07 name \xC3\xA9"));
  EXPECT_THAT(text, HasSubstr("bad:\xEF\xBF\xBD\xEF\xBF\xBD nul:\\\\x00 esc:\\\\x1B[2J"));
}

}  // namespace
