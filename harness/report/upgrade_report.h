#pragma once
// The upgrade report of a matrix run (`run --stack A --stack B`): every check of every scenario on each stack side
// by side, with what each measured (its verdict's message: lost/duplicated counts, latencies, recovery, restarts,
// time to unhealthy), and every check whose verdict differs between stacks marked. The page a team reads before
// an upgrade: verdicts.md, the "upgrade" section of summary.json and of report.html. Pure: built from the
// reports alone.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/check/verdict.h"
#include "harness/report/scenario_report.h"

namespace harness::report {

struct UpgradeRow {
  std::string scenario, check;
  std::vector<std::optional<check::Verdict>> by_stack;  // one per stack; nullopt: the check is not in that run
  bool differs = false;  // the outcomes are not the same on every stack (a missing verdict differs too)
};

struct UpgradeScenario {
  std::string name, description;
  std::vector<const ScenarioReport*> by_stack;  // one per stack; nullptr: not run on it
  bool differs = false;                         // one of its checks differs, or its result does
};

struct UpgradeTable {
  std::vector<std::string> stacks;  // in the run's order
  // component -> its version on each stack ("" where unknown), from the reports' stack.* properties.
  std::vector<std::pair<std::string, std::vector<std::string>>> versions;
  std::vector<UpgradeScenario> scenarios;  // in the run's order
  std::vector<UpgradeRow> rows;            // scenario by scenario, each's checks in the first stack's order
};

// Whether the reports come from a run of two stacks or more (a matrix run).
bool is_matrix(const std::vector<ScenarioReport>& reports);

UpgradeTable upgrade_table(const std::vector<ScenarioReport>& reports);

// verdicts.md: the stacks' versions, the differences (with each differing scenario's description: where the
// scenario states the sources), then every verdict.
std::string render_verdicts_markdown(const UpgradeTable& table);

// summary.json's "upgrade": {"stacks", "versions": {component: {stack: version}}, "differences": N,
// "checks": [{"scenario", "check", "differs", "by_stack": {stack: {"outcome", "message"}}}]}.
nlohmann::json upgrade_json(const UpgradeTable& table);

}  // namespace harness::report
