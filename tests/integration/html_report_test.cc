// report.html in a real browser: a short real scenario (a Redis broker, a worker paused for 2 s under a load),
// then its report.html loaded in headless Chromium (Debian's `chromium`, scripts/install-deps). The page must
// load with no console error and hold a lane per instance and the shaded pause; a screenshot is kept in the
// build tree (test-artifacts/html-report/) for a person to look at.
#include <gmock/gmock.h>

#include "tests/integration/cli_harness.h"

namespace {
using testing::HasSubstr;
using testing::Not;

constexpr const char* k_chromium = "/usr/bin/chromium";

// Chromium on the local file only: every background fetch off, a throwaway profile, stderr logging on (console
// messages come out as "INFO:CONSOLE:1] ..."). Runs as root in CI containers, hence --no-sandbox.
test::CliResult chromium(const test::fs::path& page, const test::fs::path& profile, const std::string& action) {
  harness::process::SpawnOptions options;
  options.argv = {k_chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-extensions", "--no-default-browser-check", "--disable-default-apps",
                  "--user-data-dir=" + profile.string(), "--enable-logging=stderr", "--v=0",
                  "--window-size=1400,1000", action, "file://" + test::fs::absolute(page).string()};
  const auto result = harness::process::run_command(options, std::chrono::seconds{120});
  return test::CliResult{result.status ? result.status->code : -1, result.output};
}

// The page loaded and no script error happened: the page's own marks (<html data-loaded="1">, no data-errors)
// and no console message at all in Chromium's log.
void expect_clean_load(const test::CliResult& dom) {
  EXPECT_EQ(dom.exit_code, 0) << dom.output;
  EXPECT_THAT(dom.output, HasSubstr("data-loaded=\"1\""));
  EXPECT_THAT(dom.output, Not(HasSubstr("data-errors=")));
  EXPECT_THAT(dom.output, Not(HasSubstr("CONSOLE")));
}

TEST(HtmlReportInChromium, the_timeline_shows_each_instance_and_the_shaded_pause_with_no_console_error) {
  if (!test::have("/usr/bin/redis-server")) GTEST_SKIP() << "redis-server not installed (scripts/install-deps)";
  if (!test::have(k_chromium)) GTEST_SKIP() << "chromium not installed (scripts/install-deps)";
  test::TempDir dir;
  const auto file = dir.write("pause.yaml", R"(name: html-report-pause
services:
  queue: {image: redis}
  worker: {image: celery-worker, broker: queue}
steps:
  - wait: {ready: all, timeout: 90s}
  - load: {task: probe.record, count: 20, rate: 20/s}
  - fault: {pause: worker}
    for: 2s
  - wait: {drained: true, timeout: 60s}
checks:
  - name: nothing lost
    delivery: {lost: 0}
  - name: the worker was never restarted
    restarts: {service: worker, max: 0}
)");
  const auto run = test::run_cli({"run", file.string(), "--report-dir", (dir.path() / "reports").string()});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const auto page = test::latest_run(dir.path() / "reports") / "report.html";
  EXPECT_THAT(run.output, HasSubstr("HTML: "));

  const auto dom = chromium(page, dir.path() / "profile", "--dump-dom");
  expect_clean_load(dom);
  for (const char* lane : {"queue", "worker.1", "ledger"}) {
    EXPECT_THAT(dom.output, HasSubstr(std::string("<g class=\"lane\" data-service=\"") + lane + "\">"));
  }
  EXPECT_THAT(dom.output, HasSubstr(R"(<rect class="fault" data-kind="pause" data-service="worker")"));
  EXPECT_THAT(dom.output, HasSubstr(R"(class="span s-paused")"));
  EXPECT_THAT(dom.output, HasSubstr(R"(<circle class="verdict o-passed" data-check="nothing lost")"));
  EXPECT_THAT(dom.output, HasSubstr(R"(<svg class="rates")"));

  const auto artifacts = test::fs::path(CELERY_CHAOS_BINARY).parent_path() / "test-artifacts" / "html-report";
  test::fs::create_directories(artifacts);
  test::fs::copy_file(page, artifacts / "report.html", test::fs::copy_options::overwrite_existing);
  const auto shot = chromium(page, dir.path() / "profile", "--screenshot=" + (artifacts / "screenshot.png").string());
  EXPECT_EQ(shot.exit_code, 0) << shot.output;
  EXPECT_GT(test::fs::file_size(artifacts / "screenshot.png"), 10'000u);
}

// The detection above is not blind: a page whose script throws is caught both ways.
TEST(HtmlReportInChromium, a_script_error_is_seen_in_the_dom_and_on_the_console) {
  if (!test::have(k_chromium)) GTEST_SKIP() << "chromium not installed (scripts/install-deps)";
  test::TempDir dir;
  const auto page = dir.write("broken.html",
                              "<!DOCTYPE html><html><head><script>var d=document.documentElement;"
                              "window.addEventListener('error',function(){d.setAttribute('data-errors','1')});"
                              "</script></head><body><script>no_such_function()</script></body></html>");
  const auto dom = chromium(page, dir.path() / "profile", "--dump-dom");
  EXPECT_THAT(dom.output, HasSubstr("data-errors=\"1\""));
  EXPECT_THAT(dom.output, HasSubstr("CONSOLE"));
  EXPECT_THAT(dom.output, HasSubstr("Uncaught ReferenceError: no_such_function is not defined"));
}

}  // namespace
