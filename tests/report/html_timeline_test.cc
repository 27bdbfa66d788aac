#include "harness/report/html_timeline.h"

#include <gmock/gmock.h>

namespace {
using harness::check::Outcome;
using harness::check::Verdict;
using harness::report::FaultSpan;
using harness::report::Lane;
using harness::report::LaneSpan;
using harness::report::Timeline;
using testing::HasSubstr;
using testing::Not;

int occurrences(const std::string& text, const std::string& part) {
  int n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

Timeline two_lanes_and_a_pause() {
  Timeline t;
  t.end = 10;
  t.lanes.push_back(Lane{"broker", {LaneSpan{0, 10, "healthy"}}, {}, {}});
  t.lanes.push_back(Lane{"worker.1", {LaneSpan{0, 2, "starting"}, LaneSpan{2, 10, "healthy"}}, {6}, {}});
  t.faults.push_back(FaultSpan{5, 7.5, "pause", "worker.1", true});
  return t;
}

TEST(HtmlTimeline, each_instance_is_a_lane_with_its_spans_and_restarts) {
  const std::string svg = harness::report::timeline_svg(two_lanes_and_a_pause(), {});
  EXPECT_THAT(svg, HasSubstr(R"(<g class="lane" data-service="broker">)"));
  EXPECT_THAT(svg, HasSubstr(R"(<g class="lane" data-service="worker.1">)"));
  EXPECT_EQ(occurrences(svg, R"(class="span s-healthy")"), 2);
  EXPECT_EQ(occurrences(svg, R"(class="span s-starting")"), 1);
  EXPECT_THAT(svg, HasSubstr(R"(<line class="restart" x1="768" x2="768")"));  // 150 + 0.6 * 1030
  EXPECT_THAT(svg, HasSubstr("<title>worker.1 restarted at 6 s</title>"));
}

TEST(HtmlTimeline, a_fault_is_shaded_across_every_lane_from_its_start_to_its_end) {
  const std::string svg = harness::report::timeline_svg(two_lanes_and_a_pause(), {});
  // x from 5 s to 7.5 s on a 10 s axis of 1030 px starting at 150; from the axis (22) to below the lanes (2 x 22).
  EXPECT_THAT(svg, HasSubstr(R"(<rect class="fault" data-kind="pause" data-service="worker.1" x="665" y="22" )"
                             R"(width="257.5" height="66">)"));
  EXPECT_THAT(svg, HasSubstr("<title>fault pause worker.1, 5 s to 7.5 s</title>"));
}

TEST(HtmlTimeline, a_verdict_is_pinned_where_it_was_decided_with_its_message_escaped) {
  Timeline t = two_lanes_and_a_pause();
  t.decisions.push_back({2.5, "nothing lost"});
  const std::string svg = harness::report::timeline_svg(
      t, {Verdict{"nothing lost", "s.delivery", Outcome::k_failed, "lost 3 <of 20>", {}, {}},
          Verdict{"late", "s.exec", Outcome::k_skipped, "", {}, {}}});
  EXPECT_THAT(svg, HasSubstr(R"(<circle class="verdict o-failed" data-check="nothing lost" cx="407.5")"));
  EXPECT_THAT(svg, HasSubstr("<title>nothing lost: failed at 2.5 s: lost 3 &lt;of 20&gt;</title>"));
  EXPECT_THAT(svg, HasSubstr(R"(<circle class="verdict o-skipped" data-check="late" cx="1180")"));  // at the end
}

TEST(HtmlTimeline, rates_show_executions_per_second_and_latency_lines) {
  Timeline t = two_lanes_and_a_pause();
  EXPECT_EQ(harness::report::rates_svg(t), "");  // no ledger
  t.per_second.executions = {0, 4, 2, 0, 0, 0, 0, 0, 0, 0};
  t.per_second.p50_ms.assign(10, std::nullopt);
  t.per_second.p99_ms.assign(10, std::nullopt);
  t.per_second.p50_ms[1] = 10;
  t.per_second.p99_ms[1] = 40;
  const std::string svg = harness::report::rates_svg(t);
  EXPECT_EQ(occurrences(svg, R"(<rect class="rate")"), 2);
  EXPECT_THAT(svg, HasSubstr("<title>4 executions started in second 1</title>"));
  EXPECT_THAT(svg, HasSubstr(R"(<polyline class="p99" points="304.5,110 ")"));  // the top: the largest p99
  EXPECT_THAT(svg, HasSubstr(R"(<rect class="fault-band" data-kind="pause")"));
}

TEST(HtmlTimeline, a_second_without_latency_breaks_the_line) {
  Timeline t = two_lanes_and_a_pause();
  t.per_second.executions = {1, 1, 0, 1, 0, 0, 0, 0, 0, 0};
  t.per_second.p50_ms = {10, 20, std::nullopt, 10, std::nullopt, std::nullopt, std::nullopt, std::nullopt,
                         std::nullopt, std::nullopt};
  t.per_second.p99_ms = t.per_second.p50_ms;
  const std::string svg = harness::report::rates_svg(t);
  EXPECT_EQ(occurrences(svg, R"(<polyline class="p50")"), 2);
  EXPECT_EQ(occurrences(svg, R"(<circle class="p50")"), 3);
}

TEST(HtmlTimeline, the_legend_names_every_lane_state) {
  const std::string svg = harness::report::legend_svg();
  for (const char* state : {"starting", "healthy", "unhealthy", "paused", "stopped", "exited"}) {
    EXPECT_THAT(svg, HasSubstr(std::string("<rect class=\"s-") + state + "\""));
  }
}

}  // namespace
