#pragma once
// Helpers for the scenario tests: load YAML text as "test.yaml" and look at the diagnostics as the user sees them.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness/scenario/loader.h"

namespace harness::scenario::testing {

// Every diagnostic as "test.yaml:LINE:COL: message".
inline std::vector<std::string> load_errors(const std::string& text) {
  LoadResult result = load_scenario_text(text, "test.yaml");
  std::vector<std::string> out;
  for (const auto& diagnostic : result.diagnostics) out.push_back(diagnostic.to_string());
  EXPECT_EQ(result.scenario.has_value(), out.empty()) << "a scenario with diagnostics must not be returned";
  return out;
}

// The one diagnostic the text produces ("" and a test failure when there are none or several).
inline std::string load_error(const std::string& text) {
  std::vector<std::string> errors = load_errors(text);
  EXPECT_EQ(errors.size(), 1u) << ::testing::PrintToString(errors);
  return errors.size() == 1 ? errors.front() : "";
}

// The scenario the text describes; a test failure listing the diagnostics when it has any.
inline Scenario load_ok(const std::string& text) {
  LoadResult result = load_scenario_text(text, "test.yaml");
  std::string diagnostics;
  for (const auto& diagnostic : result.diagnostics) diagnostics += diagnostic.to_string() + "\n";
  EXPECT_TRUE(result.ok()) << diagnostics;
  return result.scenario.value_or(Scenario{});
}

}  // namespace harness::scenario::testing
