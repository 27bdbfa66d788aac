// `celery-chaos kinds` lists what the registries hold, and the README's check table names exactly those kinds.
#include "harness/cli/kinds.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "harness/check/check_kind.h"
#include "harness/scenario/check_syntax.h"
#include "harness/scenario/fault_syntax.h"
#include "harness/scenario/service_kind.h"
#include "harness/scenario/step_syntax.h"

namespace harness::cli {
namespace {

std::string joined(const std::vector<std::string_view>& words) {
  std::string text;
  for (const auto& word : words) text += (text.empty() ? "" : ", ") + std::string(word);
  return text;
}

TEST(KindsCommand, lists_every_registered_check_kind_with_its_keys) {
  std::ostringstream out;
  EXPECT_EQ(kinds_command(out), 0);
  const std::string text = out.str();
  ASSERT_FALSE(scenario::check_syntaxes().all().empty());
  for (const auto& kind : scenario::check_syntaxes().all()) {
    EXPECT_NE(text.find("\n  " + std::string(kind.name) + "\n"), std::string::npos) << kind.name;
    EXPECT_NE(text.find("keys: " + joined(kind.keys) + "\n"), std::string::npos) << kind.name;
  }
}

TEST(KindsCommand, marks_the_kinds_judged_against_the_running_services) {
  std::ostringstream out;
  print_check_kinds(out);
  for (const auto& kind : scenario::check_syntaxes().all()) {
    const std::string line = "\n  " + std::string(kind.name) + "\n      " +
                             (check::registry().find(kind.name)->live ? "live: " : "") + std::string(kind.summary) +
                             "\n";
    EXPECT_NE(out.str().find(line), std::string::npos) << kind.name;
  }
  EXPECT_NE(out.str().find("\n  queue\n      live: "), std::string::npos);
  EXPECT_NE(out.str().find("\n  log\n      a service's log"), std::string::npos);
}

TEST(KindsCommand, lists_every_registered_step_kind_with_its_keys) {
  std::ostringstream out;
  EXPECT_EQ(kinds_command(out), 0);
  const std::string text = out.str();
  ASSERT_TRUE(text.starts_with("steps ("));
  ASSERT_EQ(scenario::step_syntaxes().names(),
            (std::vector<std::string_view>{"exec", "fault", "load", "rollout", "wait"}));
  for (const auto& kind : scenario::step_syntaxes().all()) {
    EXPECT_NE(text.find("\n  " + std::string(kind.name) + "\n      " + std::string(kind.summary) + "\n"),
              std::string::npos) << kind.name;
    if (!kind.keys.empty()) {
      EXPECT_NE(text.find("keys: " + joined(kind.keys) + "\n"), std::string::npos) << kind.name;
    }
  }
  EXPECT_NE(text.find("\n  wait\n"), std::string::npos);
}

// The kinds of each section one line each, as "  NAME": the names in the order printed.
std::vector<std::string> printed_names(const std::string& text) {
  std::vector<std::string> names;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.starts_with("  ") && !line.starts_with("   ")) names.push_back(line.substr(2));
  return names;
}

TEST(KindsCommand, lists_the_checks_sorted_by_name_like_faults_and_services) {
  std::ostringstream out;
  print_check_kinds(out);
  const auto names = printed_names(out.str());
  EXPECT_EQ(names.size(), scenario::check_syntaxes().all().size());
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(names.front(), "connections");
}

TEST(KindsCommand, lists_the_service_kinds_with_their_keys) {
  std::ostringstream out;
  print_service_kinds(out);
  const std::string text = out.str();
  for (const char* kind : {"rabbitmq", "redis", "postgres", "celery-worker", "celery-beat"})
    EXPECT_NE(text.find("\n  " + std::string(kind) + "\n"), std::string::npos) << kind;
  EXPECT_NE(text.find("sentinels"), std::string::npos);  // a redis key
  EXPECT_NE(text.find("concurrency"), std::string::npos);  // a worker key
  // The keys every kind takes, `deploy:` (Compose's deploy keys) among them, on the section's first line.
  EXPECT_TRUE(text.starts_with("services (every kind also takes: " + joined(scenario::k_common_service_keys) + "):\n"))
      << text.substr(0, text.find('\n'));
  EXPECT_NE(joined(scenario::k_common_service_keys).find(", deploy,"), std::string::npos);
}

// The rows of README.md's check table: "| `log` | service, contains, ... | ... |" -> {log: "service, contains, ..."}.
std::map<std::string, std::string> readme_check_table() {
  std::ifstream in(std::string(TESTS_DIR) + "/../README.md");
  std::map<std::string, std::string> rows;
  std::string line;
  bool in_table = false;
  while (std::getline(in, line)) {
    if (line.starts_with("| check | keys |")) {
      in_table = true;
      continue;
    }
    if (!in_table || line.starts_with("|---")) continue;
    if (!line.starts_with("| `")) break;
    const auto name_end = line.find('`', 3);
    const auto keys_begin = line.find("| ", name_end) + 2;
    const auto keys_end = line.find(" |", keys_begin);
    rows[line.substr(3, name_end - 3)] = line.substr(keys_begin, keys_end - keys_begin);
  }
  return rows;
}

TEST(ReadmeCheckTable, names_exactly_the_registered_check_kinds_and_their_keys) {
  const auto rows = readme_check_table();
  std::map<std::string, std::string> registered;
  for (const auto& kind : scenario::check_syntaxes().all()) registered[std::string(kind.name)] = joined(kind.keys);
  EXPECT_EQ(rows, registered);
}

// The rows of README.md's fault catalogue: "| `kill: {service, replica, target, signal}` | ..." -> {kill: "service,
// replica, target, signal"}.
std::map<std::string, std::string> readme_fault_catalogue() {
  std::ifstream in(std::string(TESTS_DIR) + "/../README.md");
  std::map<std::string, std::string> rows;
  std::string line;
  bool in_table = false;
  while (std::getline(in, line)) {
    if (line.starts_with("| fault | effect |")) {
      in_table = true;
      continue;
    }
    if (!in_table || line.starts_with("| ---")) continue;
    if (!line.starts_with("| `")) break;
    const auto colon = line.find(": {", 3);
    const auto close = line.find("}`", colon);
    if (colon == std::string::npos || close == std::string::npos) {
      ADD_FAILURE() << "catalogue row not in the form `KIND: {keys}`: " << line;
      continue;
    }
    rows[line.substr(3, colon - 3)] = line.substr(colon + 3, close - colon - 3);
  }
  return rows;
}

TEST(ReadmeFaultCatalogue, names_exactly_the_registered_fault_kinds_and_their_keys) {
  std::map<std::string, std::string> registered;
  for (const auto& kind : scenario::fault_syntax().all()) registered[std::string(kind.name)] = joined(kind.keys);
  EXPECT_EQ(readme_fault_catalogue(), registered);
}

TEST(KindsCommand, lists_every_registered_fault_kind_with_its_keys) {
  std::ostringstream out;
  print_fault_kinds(out);
  ASSERT_FALSE(scenario::fault_syntax().all().empty());
  for (const auto& kind : scenario::fault_syntax().all()) {
    EXPECT_NE(out.str().find("\n  " + std::string(kind.name) + "\n"), std::string::npos) << kind.name;
    EXPECT_NE(out.str().find("keys: " + joined(kind.keys) + "\n"), std::string::npos) << kind.name;
  }
}

TEST(KindsCommand, marks_a_fault_without_inverse_once_and_the_others_not) {
  std::ostringstream out;
  print_fault_kinds(out);
  for (const auto& kind : scenario::fault_syntax().all()) {
    const std::string line = "\n  " + std::string(kind.name) + "\n      " + std::string(kind.summary) +
                             (kind.no_inverse ? " (no inverse)\n" : "\n");
    EXPECT_NE(out.str().find(line), std::string::npos) << kind.name;
    EXPECT_EQ(std::string(kind.summary).find("no inverse"), std::string::npos) << kind.name << ": the command adds it";
  }
}

}  // namespace
}  // namespace harness::cli
