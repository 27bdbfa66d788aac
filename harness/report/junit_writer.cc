#include "harness/report/junit_writer.h"

#include <pugixml.hpp>

#include <sstream>
#include <utility>

#include "harness/report/repeats.h"
#include "harness/report/report_file.h"
#include "harness/report/xml_text.h"
#include "harness/util/time_format.h"

namespace harness::report {

namespace {
using check::Outcome;
using Properties = std::vector<std::pair<std::string, std::string>>;

void set_attribute(pugi::xml_node node, const char* name, std::string_view value) {
  node.append_attribute(name).set_value(sanitize_xml_attribute(value).c_str());
}

void set_attribute(pugi::xml_node node, const char* name, int value) { node.append_attribute(name).set_value(value); }

void set_text(pugi::xml_node node, std::string_view value) {
  node.append_child(pugi::node_pcdata).set_value(sanitize_xml_text(value).c_str());
}

void set_counts(pugi::xml_node node, const Counts& c) {
  set_attribute(node, "tests", c.tests);
  set_attribute(node, "failures", c.failures);
  set_attribute(node, "errors", c.errors);
  set_attribute(node, "skipped", c.skipped);
}

// A check of a repeated scenario (--repeat): its pass rate as testcase properties (as pytest's record_property
// writes them; Jenkins and GitLab show <system-out>, which says it too, after the failure).
void add_repeat_stats(pugi::xml_node testcase, const RepeatStats& stats) {
  auto properties = testcase.append_child("properties");
  const std::pair<const char*, std::string> values[] = {
      {"flaky", stats.flaky ? "true" : "false"},
      {"pass_rate", std::to_string(stats.passes) + "/" + std::to_string(stats.runs)}};
  for (const auto& [name, value] : values) {
    auto property = properties.append_child("property");
    set_attribute(property, "name", name);
    set_attribute(property, "value", value);
  }
}

void add_testcase(pugi::xml_node suite, const ScenarioReport& scenario, const check::Verdict& verdict,
                  const RepeatStats* stats = nullptr) {
  auto testcase = suite.append_child("testcase");
  set_attribute(testcase, "name", verdict.name);
  set_attribute(testcase, "classname", classname_of(scenario, verdict));
  set_attribute(testcase, "time", util::decimal_seconds(verdict.duration));
  if (!scenario.file.empty()) set_attribute(testcase, "file", scenario.file);
  if (stats != nullptr) add_repeat_stats(testcase, *stats);
  const char* element = nullptr;
  const char* type = nullptr;
  switch (verdict.outcome) {
    case Outcome::k_passed: return;
    case Outcome::k_xfailed:
      // A pass for JUnit (the scenario expects it), with what failed where CI systems show a test's output.
      set_text(testcase.append_child("system-out"),
               "failed as expected (expect: fail): " +
                   (verdict.details.empty() ? verdict.message : verdict.message + "\n\n" + verdict.details) + "\n");
      return;
    case Outcome::k_failed:
      element = "failure";
      type = "check";
      break;
    case Outcome::k_error:
      element = "error";
      type = "infrastructure";
      break;
    case Outcome::k_skipped: element = "skipped"; break;
  }
  auto result = testcase.append_child(element);
  set_attribute(result, "message", verdict.message);
  if (type == nullptr) return;
  set_attribute(result, "type", type);
  // GitLab shows only this text, not the message attribute: it starts with the message.
  set_text(result, verdict.details.empty() ? verdict.message : verdict.message + "\n\n" + verdict.details);
  if (stats != nullptr && stats->flaky) {
    set_text(testcase.append_child("system-out"), "flaky: " + pass_rate_text(*stats) + "\n");
  }
}

void add_testsuite(pugi::xml_node root, const ScenarioReport& scenario, int id) {
  auto suite = root.append_child("testsuite");
  set_attribute(suite, "name", title_of(scenario));
  set_counts(suite, count(scenario));
  set_attribute(suite, "time", util::decimal_seconds(scenario.duration));
  set_attribute(suite, "timestamp", util::iso8601_utc(scenario.started));
  set_attribute(suite, "hostname", scenario.hostname);
  set_attribute(suite, "id", id);
  if (!scenario.file.empty()) set_attribute(suite, "file", scenario.file);

  Properties properties = {{"seed", std::to_string(scenario.seed)}};
  properties.insert(properties.end(), scenario.properties.begin(), scenario.properties.end());
  properties.emplace_back("run_id", scenario.run_id);
  properties.emplace_back("expect", scenario.expectation);
  auto properties_node = suite.append_child("properties");
  for (const auto& [name, value] : properties) {
    auto property = properties_node.append_child("property");
    set_attribute(property, "name", name);
    set_attribute(property, "value", value);
  }

  // An infrastructure fault is an <error> of its own, before the checks it left unjudged (<skipped>).
  if (!scenario.error.empty()) {
    add_testcase(suite, scenario,
                 check::Verdict{"scenario setup", scenario.name + ".setup", Outcome::k_error, scenario.error, {}, {}});
  }
  for (std::size_t i = 0; i < scenario.verdicts.size(); ++i) {
    const RepeatStats* stats = i < scenario.repeat_stats.size() ? &scenario.repeat_stats[i] : nullptr;
    add_testcase(suite, scenario, scenario.verdicts[i], stats);
  }

  std::ostringstream out;
  for (const auto& [name, value] : properties) out << name << ": " << value << "\n";
  if (!scenario.description.empty()) out << "description: " << scenario.description << "\n";
  for (const auto& log : scenario.logs) {
    out << "----- logs/" << log.service << ".log (last lines) -----\n" << log.tail;
    if (!log.tail.empty() && log.tail.back() != '\n') out << "\n";
  }
  set_text(suite.append_child("system-out"), out.str());
  if (!scenario.error.empty()) set_text(suite.append_child("system-err"), scenario.error + "\n");
}

}  // namespace

std::string render_junit(const std::vector<ScenarioReport>& scenarios) {
  pugi::xml_document doc;
  auto declaration = doc.append_child(pugi::node_declaration);
  declaration.append_attribute("version").set_value("1.0");
  declaration.append_attribute("encoding").set_value("UTF-8");
  auto root = doc.append_child("testsuites");
  set_attribute(root, "name", "celery-chaos");
  Counts total;
  std::chrono::milliseconds total_time{0};
  for (const auto& scenario : scenarios) {
    total += count(scenario);
    total_time += scenario.duration;
  }
  set_counts(root, total);
  set_attribute(root, "time", util::decimal_seconds(total_time));
  int id = 0;
  for (const auto& scenario : scenarios) add_testsuite(root, scenario, id++);

  std::ostringstream xml;
  doc.save(xml, "  ", pugi::format_default, pugi::encoding_utf8);
  return ascii_xml(xml.str());
}

util::Status write_junit(const std::vector<ScenarioReport>& scenarios, const std::filesystem::path& path) {
  return write_report_file(path, render_junit(scenarios));
}

}  // namespace harness::report
