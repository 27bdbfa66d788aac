#pragma once
// report.html: a run as one self-contained page that a person opens from a CI artifact (no network, no
// external file, no script library). An index of the scenarios with their results, then per scenario its
// verdicts (each with when it was decided), its timeline and rates (report/html_timeline.h), and one click away
// (<details>) each instance's log tail and last health probes. A tiny inline script only marks the page:
// <html data-loaded="1"> once loaded, data-errors="N" when a script error happened (the test reads both).
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/report/scenario_report.h"
#include "harness/report/timeline.h"
#include "harness/util/status.h"

namespace harness::report {

struct HtmlScenario {
  const ScenarioReport* report = nullptr;  // REQUIRED
  std::optional<Timeline> timeline;         // none for a scenario that never ran (or whose history is unreadable)
};

// The page. `title`: the run's ("celery-chaos run 20261127-175520-5cfc").
std::string html_report(const std::vector<HtmlScenario>& scenarios, const std::string& title);

// The timeline of the scenario run whose report folder is `folder`: its history.jsonl, and ledger.jsonl when
// there is one. nullopt when there is no readable history.
std::optional<Timeline> load_timeline(const std::filesystem::path& folder);

// The timelines of finished scenario runs, each folder read once: report.html is written again after every
// scenario of a suite, and a finished run's files no longer change.
class TimelineCache {
public:
  const std::optional<Timeline>& get(const std::filesystem::path& folder);

private:
  std::map<std::filesystem::path, std::optional<Timeline>> m_timelines;
};

// html_report of `reports` (each with the timeline of the folder at the same index, from `cache`), written
// atomically (report/report_file.h).
util::Status write_html_report(const std::vector<ScenarioReport>& reports,
                               const std::vector<std::filesystem::path>& folders, const std::string& title,
                               const std::filesystem::path& path, TimelineCache& cache);

}  // namespace harness::report
