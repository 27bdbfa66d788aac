#include "harness/report/junit_writer.h"

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <fstream>
#include <regex>
#include <sstream>

namespace {
using harness::check::Outcome;
using harness::check::Verdict;
using harness::report::ScenarioReport;

ScenarioReport sample() {
  ScenarioReport s;
  s.name = "pidbox-reply-expiry";
  s.file = "scenarios/pidbox.yaml";
  s.description = "celery status fails when reply queues expire";
  s.run_id = "20261122-101500-abcd-1";
  s.hostname = "ci-host";
  s.started = std::chrono::system_clock::time_point{std::chrono::milliseconds{1'795'000'000'123}};
  s.duration = std::chrono::milliseconds{12'345};
  s.seed = 7;
  s.properties = {{"driver", "local"}, {"version.rabbitmq", "3.10.8"}};
  s.verdicts = {
      Verdict{"workers answer ping", "pidbox-reply-expiry.exec", Outcome::k_passed, "exited with 0", {}, std::chrono::milliseconds{1200}},
      Verdict{"broker logs not_found", "pidbox-reply-expiry.log", Outcome::k_failed,
              "expected the log of 'broker' to contain 'not_found'; it does not", "searched logs/broker.log",
              std::chrono::milliseconds{3}},
      Verdict{"delivery", "", Outcome::k_error, "service 'worker.1' exited with exit code 2", {}, {}},
      Verdict{"health", "pidbox-reply-expiry.health", Outcome::k_skipped, "not judged: the scenario timed out", {}, {}},
  };
  s.logs = {{"broker", "logs/broker.log", "line one\nline two\n"}};
  return s;
}

ScenarioReport setup_error() {
  ScenarioReport s;
  s.name = "bad-worker";
  s.file = "scenarios/bad.yaml";
  s.run_id = "20261122-101500-abcd-2";
  s.hostname = "ci-host";
  s.error = "service 'worker.1' exited with exit code 2\nError: No such option: --queue";
  return s;
}

// Times and timestamps vary from run to run: normalise them, as Catch2's approved files do.
std::string normalise(std::string xml) {
  xml = std::regex_replace(xml, std::regex(R"( time="[0-9.]+")"), R"( time="{duration}")");
  xml = std::regex_replace(xml, std::regex(R"( timestamp="[^"]+")"), R"( timestamp="{iso8601}")");
  return xml;
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(JunitWriter, MatchesTheApprovedGoldenFile) {
  const std::string golden_path = std::string(TESTS_DIR) + "/report/golden/junit.approved.xml";
  const std::string actual = normalise(harness::report::render_junit({sample(), setup_error()}));
  if (std::getenv("CELERY_CHAOS_APPROVE")) std::ofstream(golden_path) << actual;
  EXPECT_EQ(actual, read(golden_path)) << "re-approve with CELERY_CHAOS_APPROVE=1 if the change is intended";
}

TEST(JunitWriter, TimesAreDecimalSecondsAndTimestampsUtcWithZ) {
  const std::string xml = harness::report::render_junit({sample()});
  EXPECT_NE(xml.find(R"(time="12.345")"), std::string::npos);
  EXPECT_NE(xml.find(R"(timestamp="2026-11-18T11:06:40.123Z")"), std::string::npos);
}

TEST(JunitWriter, ClassnameIsAlwaysSet) {
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(harness::report::render_junit({sample(), setup_error()}).c_str()));
  int cases = 0;
  for (auto tc : doc.select_nodes("//testcase")) {
    ++cases;
    EXPECT_STRNE(tc.node().attribute("classname").value(), "") << tc.node().attribute("name").value();
  }
  EXPECT_EQ(cases, 5);
}

TEST(JunitWriter, HostileStringsYieldWellFormedXmlThatReadsBackSanitised) {
  ScenarioReport s = sample();
  const std::string hostile = std::string("quote\" apos' <tag> & ]]> nul:") + '\0' + " bell:\x07 esc:\x1b[31m "
                              "bad utf8:\xff\xfe ok utf8: \xc3\xa9 \xe2\x9c\x93";
  s.name = hostile;
  s.verdicts[1].message = hostile;
  s.verdicts[1].details = hostile;
  s.logs[0].tail = hostile;
  const std::string xml = harness::report::render_junit({s});
  pugi::xml_document doc;
  const auto parsed = doc.load_string(xml.c_str());
  ASSERT_TRUE(parsed) << parsed.description();
  const std::string expected = "quote\" apos' <tag> & ]]> nul:\\x00 bell:\\x07 esc:\\x1B[31m bad utf8:\xef\xbf\xbd\xef\xbf\xbd"
                               " ok utf8: \xc3\xa9 \xe2\x9c\x93";
  EXPECT_EQ(doc.select_node("//testsuite").node().attribute("name").value(), expected);
  EXPECT_EQ(doc.select_node("//failure").node().attribute("message").value(), expected);
  EXPECT_NE(std::string(doc.select_node("//system-out").node().child_value()).find(expected), std::string::npos);
}

TEST(JunitWriter, SanitizerKeepsTabsNewlinesAndValidUtf8) {
  EXPECT_EQ(harness::report::sanitize_xml_text("a\tb\nc\rd \xf0\x9f\x90\x87"), "a\tb\nc\rd \xf0\x9f\x90\x87");
  EXPECT_EQ(harness::report::sanitize_xml_text("\xed\xa0\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  // surrogate
  EXPECT_EQ(harness::report::sanitize_xml_text("\xef\xbf\xbe"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  // U+FFFE
}

TEST(JunitWriter, SeedAndVersionsAreInPropertiesAndInSystemOut) {
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(harness::report::render_junit({sample()}).c_str()));
  EXPECT_STREQ(doc.select_node("//property[@name='seed']").node().attribute("value").value(), "7");
  EXPECT_STREQ(doc.select_node("//property[@name='version.rabbitmq']").node().attribute("value").value(), "3.10.8");
  const std::string out = doc.select_node("//system-out").node().child_value();
  EXPECT_NE(out.find("seed: 7\n"), std::string::npos);
  EXPECT_NE(out.find("version.rabbitmq: 3.10.8\n"), std::string::npos);
  EXPECT_NE(out.find("----- logs/broker.log (last lines) -----\nline one\nline two\n"), std::string::npos);
}

}  // namespace
