#include "harness/report/upgrade_report.h"

#include <algorithm>
#include <map>
#include <sstream>

#include "harness/util/time_format.h"

namespace harness::report {
namespace {

std::size_t stack_index(std::vector<std::string>& stacks, const std::string& stack) {
  auto it = std::find(stacks.begin(), stacks.end(), stack);
  if (it != stacks.end()) return static_cast<std::size_t>(it - stacks.begin());
  stacks.push_back(stack);
  return stacks.size() - 1;
}

// The versions of each stack, component by component in the order first seen.
void collect_versions(UpgradeTable& table, const std::vector<ScenarioReport>& reports) {
  for (const auto& r : reports) {
    const std::size_t k = stack_index(table.stacks, r.stack);
    for (const auto& [name, value] : r.properties) {
      if (name.rfind("stack.", 0) != 0) continue;
      const std::string component = name.substr(6);
      auto it = std::find_if(table.versions.begin(), table.versions.end(),
                             [&](const auto& entry) { return entry.first == component; });
      if (it == table.versions.end()) it = table.versions.insert(table.versions.end(), {component, {}});
      it->second.resize(std::max(it->second.size(), k + 1));
      if (it->second[k].empty()) it->second[k] = value;
    }
  }
  for (auto& [component, values] : table.versions) values.resize(table.stacks.size());
}

bool same_outcomes(const std::vector<std::optional<check::Verdict>>& verdicts) {
  for (const auto& v : verdicts) {
    if (!v || !verdicts.front() || v->outcome != verdicts.front()->outcome) return false;
  }
  return true;
}

// The rows of one scenario: each check's verdict on each stack, matched by the check's name.
void add_rows(UpgradeTable& table, UpgradeScenario& scenario) {
  std::vector<std::string> checks;
  for (const auto* r : scenario.by_stack) {
    if (r == nullptr) continue;
    for (const auto& v : r->verdicts)
      if (std::find(checks.begin(), checks.end(), v.name) == checks.end()) checks.push_back(v.name);
  }
  for (const auto& name : checks) {
    UpgradeRow row{scenario.name, name, {}, false};
    for (const auto* r : scenario.by_stack) {
      std::optional<check::Verdict> found;
      if (r != nullptr)
        for (const auto& v : r->verdicts)
          if (v.name == name) found = v;
      row.by_stack.push_back(std::move(found));
    }
    row.differs = !same_outcomes(row.by_stack);
    scenario.differs |= row.differs;
    table.rows.push_back(std::move(row));
  }
}

std::string result_word(const ScenarioReport* r) {
  if (r == nullptr) return "not in the run";
  if (!r->not_run.empty()) return "not run";
  const Counts c = count(*r);
  if (c.tests > 0 && c.skipped == c.tests) return "skipped";  // not on this stack (its `when:`), say
  return c.errors > 0 ? "error" : c.failures > 0 ? "failed" : "passed";
}

// A table cell: one line, pipes escaped.
std::string cell(std::string text) {
  std::string out;
  for (char c : text) {
    if (c == '\n' || c == '\r') {
      out += ' ';
    } else if (c == '|') {
      out += "\\|";
    } else {
      out += c;
    }
  }
  return out;
}

std::string verdict_cell(const std::optional<check::Verdict>& v) {
  if (!v) return "-";
  return "**" + std::string(check::to_string(v->outcome)) + "**" + (v->message.empty() ? "" : ": " + cell(v->message));
}

// A table's head: `first` columns, then a column per stack.
void header(std::ostringstream& out, const std::vector<std::string>& first, const std::vector<std::string>& stacks) {
  for (const auto& column : first) out << "| " << column << " ";
  for (const auto& s : stacks) out << "| " << s << " ";
  out << "|\n";
  for (std::size_t i = 0; i < first.size() + stacks.size(); ++i) out << "|---";
  out << "|\n";
}

void versions_section(std::ostringstream& out, const UpgradeTable& table) {
  out << "## Stacks\n\n";
  header(out, {"component"}, table.stacks);
  for (const auto& [component, values] : table.versions) {
    const bool differ = std::any_of(values.begin(), values.end(), [&](const auto& v) { return v != values.front(); });
    out << "| " << component << (differ ? " (changed)" : "");
    for (const auto& v : values) out << " | " << (v.empty() ? "?" : v);
    out << " |\n";
  }
  out << "\n";
}

void rows_table(std::ostringstream& out, const UpgradeTable& table, bool differences_only) {
  header(out, {"scenario", "check"}, table.stacks);
  for (const auto& row : table.rows) {
    if (differences_only && !row.differs) continue;
    out << "| " << (row.differs ? "≠ " : "") << cell(row.scenario) << " | " << cell(row.check);
    for (const auto& v : row.by_stack) out << " | " << verdict_cell(v);
    out << " |\n";
  }
  out << "\n";
}

}  // namespace

bool is_matrix(const std::vector<ScenarioReport>& reports) {
  for (const auto& r : reports)
    if (!r.stack.empty() && r.stack != reports.front().stack) return true;
  return false;
}

UpgradeTable upgrade_table(const std::vector<ScenarioReport>& reports) {
  UpgradeTable table;
  collect_versions(table, reports);
  std::map<std::string, std::size_t> scenario_at;
  for (const auto& r : reports) {
    auto [it, fresh] = scenario_at.try_emplace(r.name, table.scenarios.size());
    if (fresh) table.scenarios.push_back({r.name, r.description, std::vector<const ScenarioReport*>(table.stacks.size())});
    table.scenarios[it->second].by_stack[stack_index(table.stacks, r.stack)] = &r;
  }
  for (auto& scenario : table.scenarios) {
    add_rows(table, scenario);
    for (const auto* r : scenario.by_stack) scenario.differs |= result_word(r) != result_word(scenario.by_stack.front());
  }
  return table;
}

std::string render_verdicts_markdown(const UpgradeTable& table) {
  std::ostringstream out;
  out << "# What changes between stacks: ";
  for (std::size_t i = 0; i < table.stacks.size(); ++i) out << (i ? " → " : "") << table.stacks[i];
  const auto differing = std::count_if(table.rows.begin(), table.rows.end(), [](const auto& r) { return r.differs; });
  out << "\n\nEach check of each scenario, judged on every stack of the run; ≠ marks a check whose verdict is not "
         "the same on every stack. A check skipped \"not on this stack\" is one whose `when:` names the versions "
         "it applies to.\n\n";
  versions_section(out, table);
  out << "## Differences (" << differing << " check(s))\n\n";
  if (differing == 0) {
    out << "None: every check has the same verdict on every stack.\n\n";
  } else {
    rows_table(out, table, true);
    for (const auto& s : table.scenarios) {
      if (!s.differs || s.description.empty()) continue;
      out << "### " << s.name << "\n\n" << s.description << (s.description.back() == '\n' ? "" : "\n") << "\n";
    }
  }
  out << "## Scenarios\n\n";
  header(out, {"scenario"}, table.stacks);
  for (const auto& s : table.scenarios) {
    out << "| " << (s.differs ? "≠ " : "") << cell(s.name);
    for (const auto* r : s.by_stack)
      out << " | " << result_word(r) << (r != nullptr ? " in " + util::human_duration(r->duration) : "");
    out << " |\n";
  }
  out << "\n## Every verdict\n\n";
  rows_table(out, table, false);
  return out.str();
}

nlohmann::json upgrade_json(const UpgradeTable& table) {
  nlohmann::json versions = nlohmann::json::object();
  for (const auto& [component, values] : table.versions)
    for (std::size_t k = 0; k < values.size(); ++k) versions[component][table.stacks[k]] = values[k];
  nlohmann::json checks = nlohmann::json::array();
  int differences = 0;
  for (const auto& row : table.rows) {
    nlohmann::json by_stack = nlohmann::json::object();
    for (std::size_t k = 0; k < row.by_stack.size(); ++k) {
      if (row.by_stack[k])
        by_stack[table.stacks[k]] = {{"outcome", check::to_string(row.by_stack[k]->outcome)},
                                     {"message", row.by_stack[k]->message}};
    }
    differences += row.differs;
    checks.push_back({{"scenario", row.scenario}, {"check", row.check}, {"differs", row.differs},
                      {"by_stack", std::move(by_stack)}});
  }
  return {{"stacks", table.stacks}, {"versions", std::move(versions)}, {"differences", differences},
          {"checks", std::move(checks)}};
}

}  // namespace harness::report
