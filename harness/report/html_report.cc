#include "harness/report/html_report.h"

#include <sstream>

#include "harness/history/history.h"
#include "harness/report/html_text.h"
#include "harness/report/html_timeline.h"
#include "harness/report/report_file.h"
#include "harness/report/upgrade_report.h"
#include "harness/util/time_format.h"

namespace harness::report {

namespace {
// The page's look: lanes' states, faults, verdicts. Kept short: the page must stay readable as a file too.
constexpr const char* k_style = R"(body{font:14px system-ui,sans-serif;margin:1em 2em;color:#222}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px;text-align:left;vertical-align:top}
.passed,.xfailed{color:#176f2c}.failed,.error{color:#b00020;font-weight:bold}.skipped{color:#777}
svg text{font:11px system-ui,sans-serif;fill:#333}.axis line{stroke:#eee}.axis text{text-anchor:middle}
.s-starting{fill:#9ecae1}.s-healthy{fill:#74c476}.s-unhealthy{fill:#fd8d3c}.s-paused{fill:#bcbddc}
.s-stopped{fill:#bdbdbd}.s-exited{fill:#de2d26}.restart{stroke:#000;stroke-width:2}
.fault,.fault-band{fill:#e6550d;fill-opacity:.18;stroke:#e6550d;stroke-opacity:.5}
.step{stroke:#555;stroke-dasharray:3 3}.load{fill:#6baed6}.rate{fill:#6baed6}.base{stroke:#999}
polyline.p50,polyline.p99{fill:none;stroke-width:1.5}.p50{stroke:#31a354}.p99{stroke:#756bb1}
circle.p50{fill:#31a354}circle.p99{fill:#756bb1}
.verdict{stroke:#fff}.o-passed,.o-xfailed{fill:#31a354}.o-failed,.o-error{fill:#de2d26}.o-skipped{fill:#999}
pre{background:#f6f6f6;padding:6px;max-height:30em;overflow:auto;white-space:pre-wrap}
section{margin-top:2em;border-top:2px solid #ddd})";

// Marks the page for tests and people: data-loaded once loaded, data-errors counting uncaught script errors.
constexpr const char* k_script = R"(var d=document.documentElement;
window.addEventListener('error',function(){d.setAttribute('data-errors',(+d.getAttribute('data-errors')||0)+1)});
window.addEventListener('load',function(){d.setAttribute('data-loaded','1')});)";

std::string result_of(const ScenarioReport& r) {
  if (!r.not_run.empty()) return "not run";
  if (!r.error.empty() || count(r).errors > 0) return "error";
  return passed(r) ? "passed" : "failed";
}

std::string anchor(std::size_t index) { return "scenario-" + std::to_string(index + 1); }

void index_table(std::ostringstream& out, const std::vector<HtmlScenario>& scenarios) {
  out << "<table class=\"index\"><tr><th>scenario</th><th>result</th><th>checks</th><th>duration</th></tr>";
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    const ScenarioReport& r = *scenarios[i].report;
    const Counts c = count(r);
    const std::string result = result_of(r);
    out << "<tr><td><a href=\"#" << anchor(i) << "\">" << escape_html(title_of(r)) << "</a></td><td class=\""
        << (result == "not run" ? "skipped" : result) << "\">" << result << "</td><td>" << c.tests - c.failures -
        c.errors - c.skipped << " passed, " << c.failures << " failed, " << c.errors << " error, " << c.skipped
        << " skipped</td><td>" << util::human_duration(r.duration) << "</td></tr>";
  }
  out << "</table>";
}

void verdict_table(std::ostringstream& out, const HtmlScenario& s) {
  out << "<table class=\"verdicts\"><tr><th>check</th><th>verdict</th><th>decided at</th><th>message</th></tr>";
  for (std::size_t i = 0; i < s.report->verdicts.size(); ++i) {
    const auto& v = s.report->verdicts[i];
    const char* outcome = check::to_string(v.outcome);
    std::string shown = outcome;
    if (i < s.report->repeat_stats.size() && s.report->repeat_stats[i].flaky) {
      shown += " (flaky: passed " + std::to_string(s.report->repeat_stats[i].passes) + " of " +
               std::to_string(s.report->repeat_stats[i].runs) + ")";
    }
    out << "<tr data-check=\"" << escape_html(v.name) << "\"><td>" << escape_html(v.name) << "</td><td class=\""
        << outcome << "\">" << escape_html(shown) << "</td><td>"
        << (s.timeline ? util::short_seconds(decided_at(*s.timeline, v.name)) : std::string("-")) << "</td><td>"
        << escape_html(v.message);
    if (!v.details.empty()) out << "<details><summary>details</summary><pre>" << escape_html(v.details) << "</pre></details>";
    out << "</td></tr>";
  }
  out << "</table>";
}

void logs_and_probes(std::ostringstream& out, const HtmlScenario& s) {
  for (const auto& log : s.report->logs) {
    out << "<details class=\"log\" data-service=\"" << escape_html(log.service) << "\"><summary>log of "
        << escape_html(log.service) << " (last lines; whole: " << escape_html(log.path.string())
        << ")</summary><pre>" << escape_html(log.tail) << "</pre></details>";
  }
  if (!s.timeline) return;
  for (const auto& lane : s.timeline->lanes) {
    if (lane.probes.empty()) continue;
    out << "<details class=\"probes\" data-service=\"" << escape_html(lane.service) << "\"><summary>health probes of "
        << escape_html(lane.service) << " (last " << lane.probes.size() << ")</summary><pre>";
    for (const auto& p : lane.probes) {
      out << escape_html(util::short_seconds(p.t) + " " + p.state + ": " + p.output);
      if (p.output.empty() || p.output.back() != '\n') out << "\n";
    }
    out << "</pre></details>";
  }
}

void scenario_section(std::ostringstream& out, const HtmlScenario& s, std::size_t index) {
  const ScenarioReport& r = *s.report;
  out << "<section class=\"scenario\" id=\"" << anchor(index) << "\" data-name=\"" << escape_html(r.name)
      << "\"><h2>" << escape_html(title_of(r)) << " <span class=\"" << result_of(r) << "\">" << result_of(r)
      << "</span></h2><p>" << escape_html(r.file) << (r.repeats > 1 ? ", " + std::to_string(r.repeats) + " repeats (the last shown)" : "")
      << ", seed " << r.seed << ", " << util::human_duration(r.duration) << "</p>";
  if (!r.description.empty()) out << "<p>" << escape_html(r.description) << "</p>";
  if (!r.error.empty()) out << "<p class=\"error\">" << escape_html(r.error) << "</p>";
  if (!r.not_run.empty()) out << "<p class=\"skipped\">" << escape_html(r.not_run) << "</p>";
  verdict_table(out, s);
  if (s.timeline) out << "<div class=\"chart\">" << timeline_svg(*s.timeline, r.verdicts) << rates_svg(*s.timeline) << "</div>";
  logs_and_probes(out, s);
  out << "</section>";
}
// A matrix run's differences between stacks (upgrade_report.h): the checks whose verdicts differ, side by side.
void upgrade_section(std::ostringstream& out, const std::vector<HtmlScenario>& scenarios) {
  std::vector<ScenarioReport> reports;
  for (const auto& s : scenarios) reports.push_back(*s.report);
  if (!is_matrix(reports)) return;
  const UpgradeTable table = upgrade_table(reports);
  out << "<h2>What differs between stacks</h2><table class=\"index\"><tr><th>scenario</th><th>check</th>";
  for (const auto& stack : table.stacks) out << "<th>" << escape_html(stack) << "</th>";
  out << "</tr>";
  int shown = 0;
  for (const auto& row : table.rows) {
    if (!row.differs) continue;
    ++shown;
    out << "<tr><td>" << escape_html(row.scenario) << "</td><td>" << escape_html(row.check) << "</td>";
    for (const auto& v : row.by_stack) {
      if (!v) {
        out << "<td>-</td>";
        continue;
      }
      const std::string outcome = check::to_string(v->outcome);
      out << "<td class=\"" << outcome << "\">" << outcome << ": " << escape_html(v->message) << "</td>";
    }
    out << "</tr>";
  }
  if (shown == 0) out << "<tr><td colspan=\"" << table.stacks.size() + 2 << "\">none: every check has the same verdict on every stack</td></tr>";
  out << "</table>";
}
}  // namespace

std::string html_report(const std::vector<HtmlScenario>& scenarios, const std::string& title) {
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" << escape_html(title)
      << "</title><style>" << k_style << "</style><script>" << k_script << "</script></head><body><h1>"
      << escape_html(title) << "</h1>";
  index_table(out, scenarios);
  upgrade_section(out, scenarios);
  out << "<p>Timelines: " << legend_svg() << "</p>";
  for (std::size_t i = 0; i < scenarios.size(); ++i) scenario_section(out, scenarios[i], i);
  out << "</body></html>\n";
  return out.str();
}

std::optional<Timeline> load_timeline(const std::filesystem::path& folder) {
  auto events = history::read_history(folder / "history.jsonl");
  if (!events) return std::nullopt;
  Timeline timeline = build_timeline(*events);
  const auto ledger = folder / "ledger.jsonl";
  std::error_code ec;
  if (std::filesystem::exists(ledger, ec)) {
    check::DeliveryInput input;
    if (check::read_history_into(folder / "history.jsonl", input) && check::read_ledger_into(ledger, input)) {
      add_ledger(timeline, input);
    }
  }
  return timeline;
}

const std::optional<Timeline>& TimelineCache::get(const std::filesystem::path& folder) {
  auto it = m_timelines.find(folder);
  if (it == m_timelines.end()) it = m_timelines.emplace(folder, load_timeline(folder)).first;
  return it->second;
}

util::Status write_html_report(const std::vector<ScenarioReport>& reports,
                               const std::vector<std::filesystem::path>& folders, const std::string& title,
                               const std::filesystem::path& path, TimelineCache& cache) {
  std::vector<HtmlScenario> scenarios;
  for (std::size_t i = 0; i < reports.size(); ++i) {
    scenarios.push_back(HtmlScenario{&reports[i], i < folders.size() ? cache.get(folders[i]) : std::nullopt});
  }
  return write_report_file(path, html_report(scenarios, title));
}

}  // namespace harness::report
