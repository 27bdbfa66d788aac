// `celery-chaos stacks` with the real machine and engine: the host stack's versions are this machine's (what
// Debian's python3 imports), each stack image's are read from the image, no container is left; with no engine,
// the host stack and why the image stacks are missing.
#include <gmock/gmock.h>

#include "harness/driver/docker/engine.h"
#include "harness/process/child_process.h"
#include "tests/integration/cli_harness.h"

namespace {
using testing::HasSubstr;
using testing::Not;

std::string python_version_of(const std::string& module) {
  harness::process::SpawnOptions options;
  options.argv = {"/usr/bin/python3", "-c", "import " + module + "; print(" + module + ".__version__, end='')"};
  return harness::process::run_command(options, std::chrono::seconds{30}).output;
}

TEST(Stacks, lists_the_host_and_the_bookworm_image_with_versions_read_from_each) {
  auto engine = harness::driver::docker::Engine::connect();
  ASSERT_TRUE(engine) << engine.error().message();
  const auto result = test::run_cli({"stacks"}, std::chrono::seconds{120});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  const std::string celery = python_version_of("celery");
  ASSERT_FALSE(celery.empty());
  EXPECT_THAT(result.output, HasSubstr("host      --driver local, this machine's packages\n    celery " + celery +
                                       ", kombu " + python_version_of("kombu") + ", amqp "));
  EXPECT_THAT(result.output, HasSubstr("bookworm  --driver docker --image celery-chaos/services:bookworm\n    celery "));
  EXPECT_THAT(result.output, Not(HasSubstr(" -,"))) << "a component absent from a stack";
  EXPECT_THAT(result.output, HasSubstr(", postgresql 15."));
  auto left = engine->call("GET", "/containers/json?all=true");
  ASSERT_TRUE(left);
  for (const auto& c : left->body) EXPECT_FALSE(c["Labels"].contains("celery-chaos.run")) << c.dump();
}

TEST(Stacks, without_an_engine_lists_the_host_and_says_why_not_the_images) {
  test::TempDir dir;
  harness::process::SpawnOptions options;
  options.argv = {CELERY_CHAOS_BINARY, "stacks"};
  options.environment = {{"DOCKER_HOST", "unix://" + (dir.path() / "none.sock").string()}};
  const auto result = harness::process::run_command(options, std::chrono::seconds{60});
  ASSERT_TRUE(result.status);
  EXPECT_EQ(result.status->code, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("host      --driver local"));
  EXPECT_THAT(result.output, HasSubstr("(image stacks not listed: no Docker engine answers at unix://" +
                                       (dir.path() / "none.sock").string()));
}

// Version-aware expectations: the same scenario file on bookworm (kombu 5.2) and trixie (kombu 5.5). Each check is
// judged on the stack its `when:` names and skipped, with the reason, on the other; a judged one can fail (the
// third check, judged on both, fails on bookworm: its kombu is not 5.5).
constexpr const char* k_when_scenario = R"(name: kombu-by-stack
timeout: 2m
services:
  broker: {image: redis}
  worker: {image: celery-worker, broker: broker}
steps:
  - wait: {ready: all, timeout: 90s}
checks:
  - name: kombu 5.2 where the stack says before 5.4
    when: {kombu: "<5.4"}
    exec: {service: worker, command: "python3 -c 'import kombu; print(kombu.__version__)'", output_contains: "5.2."}
  - name: kombu 5.5 where the stack says 5.4 or later
    when: {kombu: ">=5.4", celery: ">=5.5"}
    exec: {service: worker, command: "python3 -c 'import kombu; print(kombu.__version__)'", output_contains: "5.5."}
  - name: kombu 5.5 everywhere
    exec: {service: worker, command: "python3 -c 'import kombu; print(kombu.__version__)'", output_contains: "5.5."}
)";

TEST(Stacks, a_check_with_when_is_judged_on_its_stack_and_skipped_with_the_reason_on_the_other) {
  auto engine = harness::driver::docker::Engine::connect();
  ASSERT_TRUE(engine) << engine.error().message();
  test::TempDir dir;
  const auto file = dir.write("kombu-by-stack.yaml", k_when_scenario);
  const auto run = [&](const std::string& release) {
    const auto root = dir.path() / release;
    const auto result = test::run_cli({"--driver", "docker", "--image", "celery-chaos/services:" + release, "run",
                                       file.string(), "--report-dir", root.string()},
                                      std::chrono::seconds{300});
    return std::make_pair(result, test::read_file(test::latest_run(root) / "junit.xml"));
  };
  const auto [bookworm, bookworm_junit] = run("bookworm");
  EXPECT_EQ(bookworm.exit_code, 1) << bookworm.output;  // the third check fails there
  EXPECT_THAT(bookworm_junit, HasSubstr("tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\""));
  EXPECT_THAT(bookworm_junit, HasSubstr("not on this stack: celery 5.2.6 is not >=5.5 (when: {celery: "
                                        "&quot;>=5.5&quot;, kombu: &quot;>=5.4&quot;})"));
  const auto [trixie, trixie_junit] = run("trixie");
  EXPECT_EQ(trixie.exit_code, 0) << trixie.output;
  EXPECT_THAT(trixie_junit, HasSubstr("tests=\"3\" failures=\"0\" errors=\"0\" skipped=\"1\""));
  EXPECT_THAT(trixie_junit, HasSubstr("not on this stack: kombu 5.5.3 is not &lt;5.4 (when: {kombu: "
                                      "&quot;&lt;5.4&quot;})"))
      << trixie_junit;
}

// A matrix run: smoke and the quorum-queue scenario on bookworm and trixie, one testsuite per scenario and stack
// with its versions; verdicts.md marks the quorum-queue checks (Celery 5.5 runs a worker on a quorum queue, 5.2
// is refused global QoS: each check's `when:` judges it on its stack only) and not smoke's.
TEST(Stacks, a_matrix_run_gives_a_testsuite_per_scenario_and_stack_and_verdicts_md_marks_what_differs) {
  auto engine = harness::driver::docker::Engine::connect();
  ASSERT_TRUE(engine) << engine.error().message();
  test::TempDir dir;
  const auto result =
      test::run_cli({"--stack", "bookworm", "--stack", "trixie", "-q", "run", test::shipped("smoke").string(),
                     test::shipped("quorum-queue-celery-5.2-global-qos").string(), "--report-dir",
                     dir.path().string()},
                    std::chrono::seconds{600});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  const auto run = test::latest_run(dir.path());
  const std::string junit = test::read_file(run / "junit.xml");
  for (const std::string stack : {"bookworm", "trixie"}) {
    EXPECT_THAT(junit, HasSubstr("<testsuite name=\"smoke [" + stack + "]\""));
    EXPECT_THAT(junit, HasSubstr("<testsuite name=\"quorum-queue-celery-5.2-global-qos [" + stack + "]\""));
    EXPECT_THAT(junit, HasSubstr("classname=\"" + stack + ".smoke."));
    EXPECT_TRUE(std::filesystem::exists(run / stack / "smoke" / "history.jsonl")) << stack;
  }
  EXPECT_THAT(junit, HasSubstr("<property name=\"stack.celery\" value=\"5.2.6\""));
  EXPECT_THAT(junit, HasSubstr("<property name=\"stack.celery\" value=\"5.5.2\""));
  const std::string md = test::read_file(run / "verdicts.md");
  EXPECT_THAT(md, HasSubstr("| celery (changed) | 5.2.6 | 5.5.2 |"));
  EXPECT_THAT(md, HasSubstr("| ≠ quorum-queue-celery-5.2-global-qos |"));
  EXPECT_THAT(md, Not(HasSubstr("| ≠ smoke |")));
  const auto summary = nlohmann::json::parse(test::read_file(run / "summary.json"));
  EXPECT_EQ(summary["upgrade"]["stacks"], nlohmann::json::array({"bookworm", "trixie"}));
  EXPECT_GT(summary["upgrade"]["differences"].get<int>(), 0);
}

}  // namespace
