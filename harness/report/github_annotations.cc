#include "harness/report/github_annotations.h"

#include <cstdlib>

namespace harness::report {

namespace {
std::string escape_data(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '%') out += "%25";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else out += c;
  }
  return out;
}

std::string escape_property(std::string_view text) {
  std::string out;
  for (const char c : escape_data(text)) {
    if (c == ':') out += "%3A";
    else if (c == ',') out += "%2C";
    else out += c;
  }
  return out;
}

// The line of the check named `name` not yet used, else of the failed step whose title it is ("step 3 (wait,
// line 12)" for a step's verdict); 0 when unknown.
int line_of(const scenario::Scenario& scenario, const check::Verdict& verdict, std::vector<bool>& used) {
  for (std::size_t i = 0; i < scenario.checks.size(); ++i) {
    if (!used[i] && scenario.checks[i].name == verdict.name) {
      used[i] = true;
      return scenario.checks[i].location.line;
    }
  }
  const std::string_view title = verdict.name;
  const auto at = title.rfind(", line ");
  if (title.rfind("step ", 0) != 0 || at == std::string_view::npos || title.back() != ')') return 0;
  return std::atoi(std::string(title.substr(at + 7)).c_str());
}
}  // namespace

std::vector<std::string> github_annotations(const scenario::Scenario& scenario,
                                            const std::vector<check::Verdict>& verdicts, const std::string& error) {
  std::vector<std::string> lines;
  if (!error.empty()) {
    lines.push_back("::error file=" + escape_property(scenario.file) + ",title=" +
                    escape_property(scenario.name + ": scenario setup") + "::" + escape_data(error));
  }
  std::vector<bool> used(scenario.checks.size(), false);
  for (const auto& v : verdicts) {
    const int line = line_of(scenario, v, used);
    if (v.outcome != check::Outcome::k_failed && v.outcome != check::Outcome::k_error) continue;
    std::string annotation = "::error file=" + escape_property(scenario.file);
    if (line > 0) annotation += ",line=" + std::to_string(line);
    annotation += ",title=" + escape_property(scenario.name + ": " + v.name) + "::" + escape_data(v.message);
    lines.push_back(std::move(annotation));
  }
  return lines;
}

bool in_github_actions() {
  const char* value = std::getenv("GITHUB_ACTIONS");
  return value != nullptr && std::string_view(value) == "true";
}

}  // namespace harness::report
