// `run --repeat N` end to end: a deliberately flaky check (its command fails on alternate runs, counting in a file
// that outlives the repeats) is reported flaky, with its pass rate, on the console, in the JUnit and the summary.
#include <gmock/gmock.h>
#include <nlohmann/json.hpp>

#include "tests/integration/cli_harness.h"

namespace {
using testing::HasSubstr;

TEST(CliRepeat, a_check_failing_on_alternate_runs_is_reported_flaky) {
  if (!test::have("/usr/bin/redis-server")) GTEST_SKIP() << "redis-server not installed (scripts/install-deps)";
  test::TempDir dir;
  const std::string counter = (dir.path() / "runs").string();
  const auto file = dir.write("flaky.yaml", R"(name: flaky
services:
  cache: {image: redis}
steps:
  - wait: {ready: [cache]}
checks:
  - name: redis answers PING
    exec: {command: "redis-cli -p {{cache.port}} -a {{cache.password}} --no-auth-warning ping", output_contains: PONG}
  - name: fails on odd runs
    exec: {command: "n=$(cat )" + counter + R"( 2>/dev/null || echo 0); n=$((n+1)); echo $n > )" + counter +
                                                 R"(; test $((n % 2)) -eq 0"}
)");
  const auto result =
      test::run_cli({"run", "--repeat", "2", file.string(), "--report-dir", (dir.path() / "reports").string()});

  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_THAT(result.output, HasSubstr("[1/1, repeat 2/2] flaky"));
  EXPECT_THAT(result.output, HasSubstr("  FLAKY fails on odd runs: passed in 1 of 2 repeats (50%)\n"));
  EXPECT_THAT(result.output, HasSubstr("0 passed, 1 failed (1 flaky), 0 errors, 0 skipped in "));
  const auto run = test::latest_run(dir.path() / "reports");
  EXPECT_TRUE(test::fs::exists(run / "flaky" / "repeat-1" / "history.jsonl"));
  EXPECT_TRUE(test::fs::exists(run / "flaky" / "repeat-2" / "history.jsonl"));
  const std::string junit = test::read_file(run / "junit.xml");
  EXPECT_THAT(junit, HasSubstr(R"(<property name="flaky" value="true" />)"));
  EXPECT_THAT(junit, HasSubstr(R"(<property name="pass_rate" value="1/2" />)"));
  EXPECT_THAT(junit, HasSubstr("<system-out>flaky: passed in 1 of 2 repeats (50%)\n</system-out>"));
  EXPECT_THAT(junit, HasSubstr(R"(<testsuite name="flaky" tests="2" failures="1")"));
  const auto summary = nlohmann::json::parse(test::read_file(run / "summary.json"));
  const auto& verdicts = summary["scenarios"][0]["verdicts"];
  EXPECT_EQ(verdicts[0]["flaky"], false);
  EXPECT_EQ(verdicts[0]["pass_rate"], 1.0);
  EXPECT_EQ(verdicts[1]["flaky"], true);
  EXPECT_EQ(verdicts[1]["pass_rate"], 0.5);
  EXPECT_EQ(summary["counts"]["flaky"], 1);
}

}  // namespace
