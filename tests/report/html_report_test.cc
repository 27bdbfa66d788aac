#include "harness/report/html_report.h"

#include <gmock/gmock.h>
#include <unistd.h>

#include <fstream>

namespace {
using harness::check::Outcome;
using harness::check::Verdict;
using harness::report::HtmlScenario;
using harness::report::ScenarioReport;
using harness::report::Timeline;
using testing::HasSubstr;
using testing::Not;

ScenarioReport failing_with_a_log() {
  ScenarioReport r;
  r.name = "pause-worker";
  r.file = "scenarios/pause-worker.yaml";
  r.verdicts = {Verdict{"nothing lost", "pause-worker.delivery", Outcome::k_failed, "lost 1", "id 7", {}}};
  r.logs = {{"worker.1", "reports/x/logs/worker.1.log", "<b>Traceback</b> & \x1b[0m done\n"}};
  return r;
}

TEST(HtmlReport, the_page_is_self_contained_with_an_index_of_the_scenarios) {
  const ScenarioReport r = failing_with_a_log();
  const std::string html = harness::report::html_report({HtmlScenario{&r, Timeline{}}}, "celery-chaos run x");
  EXPECT_EQ(html.rfind("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">", 0), 0u);
  EXPECT_THAT(html, HasSubstr(R"(<td><a href="#scenario-1">pause-worker</a></td><td class="failed">failed</td>)"));
  EXPECT_THAT(html, HasSubstr(R"(<section class="scenario" id="scenario-1" data-name="pause-worker">)"));
  EXPECT_THAT(html, HasSubstr(R"(<svg class="timeline")"));
  EXPECT_THAT(html, Not(HasSubstr("src=")));   // nothing loaded from elsewhere
  EXPECT_THAT(html, Not(HasSubstr("href=\"http")));
  EXPECT_THAT(html, HasSubstr("window.addEventListener('error'"));
}

TEST(HtmlReport, a_log_tail_is_escaped_inside_its_details) {
  const ScenarioReport r = failing_with_a_log();
  const std::string html = harness::report::html_report({HtmlScenario{&r, Timeline{}}}, "run");
  EXPECT_THAT(html, HasSubstr(R"(<details class="log" data-service="worker.1"><summary>log of worker.1)"));
  EXPECT_THAT(html, HasSubstr("<pre>&lt;b&gt;Traceback&lt;/b&gt; &amp; \\x1B[0m done\n</pre></details>"));
  EXPECT_THAT(html, Not(HasSubstr("<b>Traceback")));
}

TEST(HtmlReport, each_verdict_shows_when_it_was_decided) {
  const ScenarioReport r = failing_with_a_log();
  Timeline t;
  t.end = 30;
  t.decisions.push_back({12.5, "nothing lost"});
  const std::string html = harness::report::html_report({HtmlScenario{&r, t}}, "run");
  EXPECT_THAT(html, HasSubstr(R"(<tr data-check="nothing lost"><td>nothing lost</td><td class="failed">failed</td>)"
                              "<td>12.5 s</td><td>lost 1<details><summary>details</summary><pre>id 7</pre>"));
}

TEST(HtmlReport, a_scenario_without_history_has_no_timeline) {
  ScenarioReport r = failing_with_a_log();
  r.not_run = "not run: the run was interrupted by SIGINT before this scenario started";
  const std::string html = harness::report::html_report({HtmlScenario{&r, std::nullopt}}, "run");
  EXPECT_THAT(html, HasSubstr(R"(<td class="skipped">not run</td>)"));
  EXPECT_THAT(html, Not(HasSubstr("<svg class=\"timeline\"")));
}

TEST(HtmlReport, a_run_folder_is_read_once_for_every_rewrite_of_the_page) {
  const auto folder = std::filesystem::temp_directory_path() / ("html-report-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder);
  std::ofstream(folder / "history.jsonl")
      << R"({"t":1.5,"time":"2026-11-22T17:41:01.500Z","type":"service.ready","service":"broker","data":{}})" "\n";
  harness::report::TimelineCache cache;
  ASSERT_TRUE(cache.get(folder));
  EXPECT_EQ(cache.get(folder)->lanes.size(), 1u);
  std::filesystem::remove_all(folder);
  EXPECT_TRUE(cache.get(folder));  // not read again
  EXPECT_FALSE(cache.get(folder / "never-ran"));
}

}  // namespace
