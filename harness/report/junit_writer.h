#pragma once
// JUnit XML as CI systems read it (Jenkins, GitLab, GitHub reporters): one <testsuite> per scenario, one
// <testcase> per check, classname always set (GitLab groups by it), <failure> for a violated check, <error> for
// an infrastructure fault, <skipped> for an unmet precondition, times in decimal seconds, timestamps in UTC with
// Z, and the seed and service versions both as <properties> and in <system-out> (GitLab ignores properties).
// Written with pugixml; text is first sanitised of what XML 1.0 cannot hold (control characters, invalid UTF-8).
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "harness/check/verdict.h"
#include "harness/util/status.h"

namespace harness::report {

struct ServiceLog {
  std::string service;
  std::filesystem::path path;
  std::string tail;
};

struct ScenarioReport {
  std::string name, file, description, run_id, hostname;
  std::string expectation = "pass";  // or "fail"
  std::chrono::system_clock::time_point started{};
  std::chrono::milliseconds duration{0};
  std::uint64_t seed = 0;
  std::vector<std::pair<std::string, std::string>> properties;  // {"version.rabbitmq","3.10.8"}, {"driver","local"}
  std::vector<check::Verdict> verdicts;
  std::vector<ServiceLog> logs;
  std::string error;  // infrastructure error of the whole scenario, if any
};

// Replaces what XML 1.0 cannot carry: invalid UTF-8 bytes and U+FFFE/U+FFFF become U+FFFD, control characters
// other than tab, newline and carriage return become "\xNN".
std::string sanitize_xml_text(const std::string& text);

std::string render_junit(const std::vector<ScenarioReport>& scenarios);
util::Status write_junit(const std::vector<ScenarioReport>& scenarios, const std::filesystem::path& path);

}  // namespace harness::report
