#pragma once
// A Timeline (report/timeline.h) as inline SVG for report.html: no script, no external file. Classes and data
// attributes are the page's contract (its CSS colours them, its test finds them):
//   svg.timeline                     the lanes chart; g.lane[data-service] per instance, with
//     rect.span.s-<state>            its spans (s-starting, s-healthy, s-unhealthy, s-paused, s-stopped, s-exited)
//     line.restart                   its restarts
//   rect.fault[data-kind][data-service]   a fault window, shaded across every lane
//   line.step, rect.load             steps and loads
//   circle.verdict.o-<outcome>[data-check]  a check's verdict, where it was decided
//   svg.rates                        executions per second (rect.rate) and publish-to-start latency
//                                    (polyline.p50, polyline.p99), on the same time axis
// Every mark has a <title>: the browser shows it on hover.
#include <string>
#include <vector>

#include "harness/check/verdict.h"
#include "harness/report/timeline.h"

namespace harness::report {

std::string timeline_svg(const Timeline& timeline, const std::vector<check::Verdict>& verdicts);

// What the colours and marks mean: the lane states, a fault, a restart, a step.
std::string legend_svg();

// Empty when the timeline has no ledger data (a scenario without loads).
std::string rates_svg(const Timeline& timeline);

}  // namespace harness::report
