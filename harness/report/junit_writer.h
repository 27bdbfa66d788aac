#pragma once
// JUnit XML as CI systems read it (Jenkins, GitLab, GitHub test reporters):
//   <testsuites name="celery-chaos" tests failures errors skipped time>
//     <testsuite name=SCENARIO tests failures errors skipped time timestamp hostname id file>   one per scenario
//       <properties> seed, the scenario's properties (versions, driver), run_id, expect </properties>
//       <testcase name classname time file/>                                                   one per verdict
//         <system-out>                       an expected failure (`expect: fail`): what failed; a pass for JUnit
//         <failure message type="check">     a check that did not hold (text: message, then details)
//         <error message type="infrastructure">  a fault that kept a check from being judged
//         <skipped message/>                 a check not judged (an unmet precondition)
//       <testcase name="scenario setup" classname="SCENARIO.setup"><error .../></testcase>     when `error` is set
//       <system-out> seed, properties, description, the tail of every service log </system-out>
//       <system-err> the scenario's error </system-err>                                       when `error` is set
// classname is always set (GitLab and Jenkins group by it), times are decimal seconds with three decimals,
// timestamps UTC with milliseconds and Z. The seed and versions are in <system-out> as well, because GitLab
// ignores <properties>. Built with pugixml, which escapes text and attributes; every string first goes
// through xml_text.h, so hostile input (NUL, ANSI escapes, invalid UTF-8, "]]>") still yields well-formed XML,
// and the document is ASCII (other characters as "&#x...;"), declared encoding="UTF-8".
// Schema and consumers: Jenkins' xunit plugin's junit-10.xsd has neither testcase@file nor testsuites@skipped;
// GitLab reads testcase@file (the file link of a failed test) and Jenkins' JUnit plugin, GitHub's reporters and
// junit2json accept both, so both are written: what the consumers read wins over the schema.
#include <filesystem>
#include <string>
#include <vector>

#include "harness/report/scenario_report.h"
#include "harness/util/status.h"

namespace harness::report {

// The document, ASCII (so also UTF-8), with an XML declaration, indented by two spaces.
std::string render_junit(const std::vector<ScenarioReport>& scenarios);
// render_junit, written atomically (report_file.h).
util::Status write_junit(const std::vector<ScenarioReport>& scenarios, const std::filesystem::path& path);

}  // namespace harness::report
