#include "harness/report/junit_writer.h"

#include <gtest/gtest.h>
#include <pugixml.hpp>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "harness/report/xml_text.h"

namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using harness::check::Outcome;
using harness::check::Verdict;
using harness::report::render_junit;
using harness::report::ScenarioReport;

// One scenario with a verdict of every outcome (and one without classname).
ScenarioReport mixed_outcomes() {
  ScenarioReport s;
  s.name = "pidbox-reply-expiry";
  s.file = "scenarios/pidbox.yaml";
  s.description = "celery status fails when reply queues expire";
  s.run_id = "20261122-101500-abcd-1";
  s.hostname = "ci-host";
  s.started = std::chrono::system_clock::time_point{1'795'000'000'123ms};
  s.duration = 12'345ms;
  s.seed = 7;
  s.properties = {{"driver", "local"}, {"version.rabbitmq", "3.10.8"}};
  s.verdicts = {
      Verdict{"workers answer ping", "pidbox-reply-expiry.exec", Outcome::k_passed, "exited with 0", {}, 1200ms},
      Verdict{"broker logs not_found", "pidbox-reply-expiry.log", Outcome::k_failed,
              "expected the log of 'broker' to contain 'not_found'; it does not", "searched logs/broker.log", 3ms},
      Verdict{"delivery", "", Outcome::k_error, "service 'worker.1' exited with exit code 2", {}, {}},
      Verdict{"health", "pidbox-reply-expiry.health", Outcome::k_skipped, "not judged: the scenario timed out", {}, {}},
  };
  s.logs = {{"broker", "logs/broker.log", "line one\nline two\n"}};
  return s;
}

// A scenario whose services never started and that has no checks at all.
ScenarioReport setup_error_without_checks() {
  ScenarioReport s;
  s.name = "bad-worker";
  s.file = "scenarios/bad.yaml";
  s.run_id = "20261122-101500-abcd-2";
  s.hostname = "ci-host";
  s.error = "service 'worker.1' exited with exit code 2\nError: No such option: --queue";
  return s;
}

// What the runner reports when a service does not start: the error, and every check skipped.
ScenarioReport setup_error_with_skipped_checks() {
  ScenarioReport s;
  s.name = "broker-down";
  s.file = "scenarios/broker-down.yaml";
  s.run_id = "20261122-101500-abcd-3";
  s.hostname = "ci-host";
  s.expectation = "fail";
  s.seed = 42;
  s.duration = 30'000ms;
  s.error = "service 'broker' was not ready within 30s";
  s.verdicts = {Verdict{"tasks complete", "broker-down.check", Outcome::k_skipped,
                        "not judged: a service did not start", {}, {}}};
  s.logs = {{"broker", "logs/broker.log", "BOOT FAILED"}};  // no final newline
  return s;
}

// Times and timestamps vary from run to run: normalise them, as Catch2's approved files do.
std::string normalise(std::string xml) {
  xml = std::regex_replace(xml, std::regex(R"( time="[0-9.]+")"), R"( time="{duration}")");
  xml = std::regex_replace(xml, std::regex(R"( timestamp="[^"]+")"), R"( timestamp="{iso8601}")");
  return xml;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

pugi::xml_document parse(const std::string& xml) {
  pugi::xml_document doc;
  const auto result = doc.load_string(xml.c_str());
  EXPECT_TRUE(result) << result.description() << " at offset " << result.offset;
  return doc;
}

TEST(JunitWriter, matches_the_approved_golden_file) {
  const fs::path golden = fs::path(TESTS_DIR) / "report/golden/junit.approved.xml";
  const std::string actual =
      normalise(render_junit({mixed_outcomes(), setup_error_without_checks(), setup_error_with_skipped_checks()}));
  if (std::getenv("CELERY_CHAOS_APPROVE")) std::ofstream(golden, std::ios::binary) << actual;
  EXPECT_EQ(actual, read_file(golden)) << "re-approve with CELERY_CHAOS_APPROVE=1 if the change is intended";
}

TEST(JunitWriter, times_are_decimal_seconds_and_timestamps_utc_with_z) {
  const auto doc = parse(render_junit({mixed_outcomes()}));
  EXPECT_STREQ(doc.child("testsuites").attribute("time").value(), "12.345");
  const auto suite = doc.child("testsuites").child("testsuite");
  EXPECT_STREQ(suite.attribute("time").value(), "12.345");
  EXPECT_STREQ(suite.attribute("timestamp").value(), "2026-11-18T11:06:40.123Z");
  EXPECT_STREQ(suite.child("testcase").attribute("time").value(), "1.200");
}

TEST(JunitWriter, classname_is_always_set_and_defaults_to_scenario_dot_check) {
  const auto doc = parse(render_junit({mixed_outcomes(), setup_error_without_checks()}));
  int cases = 0;
  for (const auto& tc : doc.select_nodes("//testcase")) {
    ++cases;
    EXPECT_STRNE(tc.node().attribute("classname").value(), "") << tc.node().attribute("name").value();
  }
  EXPECT_EQ(cases, 5);
  EXPECT_STREQ(doc.select_node("//testcase[@name='delivery']").node().attribute("classname").value(),
               "pidbox-reply-expiry.check");
}

TEST(JunitWriter, counts_of_the_root_are_the_sum_of_the_suites) {
  const auto doc = parse(render_junit({mixed_outcomes(), setup_error_without_checks(), setup_error_with_skipped_checks()}));
  const auto root = doc.child("testsuites");
  EXPECT_STREQ(root.attribute("tests").value(), "7");
  EXPECT_STREQ(root.attribute("failures").value(), "1");
  EXPECT_STREQ(root.attribute("errors").value(), "3");
  EXPECT_STREQ(root.attribute("skipped").value(), "2");
  EXPECT_STREQ(root.attribute("time").value(), "42.345");
}

TEST(JunitWriter, a_setup_error_is_an_error_testcase_of_its_own_and_goes_to_system_err) {
  const auto doc = parse(render_junit({setup_error_without_checks()}));
  const auto suite = doc.child("testsuites").child("testsuite");
  EXPECT_STREQ(suite.attribute("tests").value(), "1");
  EXPECT_STREQ(suite.attribute("errors").value(), "1");
  const auto testcase = suite.child("testcase");
  EXPECT_STREQ(testcase.attribute("name").value(), "scenario setup");
  EXPECT_STREQ(testcase.attribute("classname").value(), "bad-worker.setup");
  EXPECT_STREQ(testcase.child("error").attribute("type").value(), "infrastructure");
  EXPECT_STREQ(testcase.child("error").attribute("message").value(),
               "service 'worker.1' exited with exit code 2\nError: No such option: --queue");
  EXPECT_STREQ(suite.child("system-err").child_value(),
               "service 'worker.1' exited with exit code 2\nError: No such option: --queue\n");
}

TEST(JunitWriter, a_passing_scenario_has_no_system_err) {
  const auto doc = parse(render_junit({mixed_outcomes()}));
  EXPECT_FALSE(doc.child("testsuites").child("testsuite").child("system-err"));
}

TEST(JunitWriter, properties_are_seed_then_the_given_ones_then_run_id_and_expect) {
  const auto doc = parse(render_junit({mixed_outcomes()}));
  std::vector<std::string> names;
  for (const auto& p : doc.child("testsuites").child("testsuite").child("properties").children("property")) {
    names.push_back(p.attribute("name").value());
  }
  EXPECT_EQ(names, (std::vector<std::string>{"seed", "driver", "version.rabbitmq", "run_id", "expect"}));
}

TEST(JunitWriter, seed_and_versions_are_in_properties_and_in_system_out) {
  const auto doc = parse(render_junit({mixed_outcomes()}));
  EXPECT_STREQ(doc.select_node("//property[@name='seed']").node().attribute("value").value(), "7");
  EXPECT_STREQ(doc.select_node("//property[@name='version.rabbitmq']").node().attribute("value").value(), "3.10.8");
  const std::string out = doc.select_node("//system-out").node().child_value();
  EXPECT_EQ(out.find("seed: 7\n"), 0u);
  EXPECT_NE(out.find("version.rabbitmq: 3.10.8\n"), std::string::npos);
  EXPECT_NE(out.find("----- logs/broker.log (last lines) -----\nline one\nline two\n"), std::string::npos);
}

TEST(JunitWriter, no_scenarios_is_an_empty_but_valid_document) {
  const auto doc = parse(render_junit({}));
  EXPECT_STREQ(doc.child("testsuites").attribute("tests").value(), "0");
  EXPECT_FALSE(doc.child("testsuites").child("testsuite"));
}

// Everything a service or a user can put in a string.
const std::string k_hostile = std::string("quote\" apos' <tag> &amp; & ]]> <![CDATA[x]]> nul:") + '\0' +
                              " bell:\x07 esc:\x1B[31mred\x1B[0m tab:\t lf:\n cr:\r crlf:\r\n "
                              "bad utf8:\xFF\xC3 surrogate:\xED\xA0\x80 fffe:\xEF\xBF\xBE ok: \xC3\xA9 \xE2\x9C\x93";

ScenarioReport hostile_scenario() {
  ScenarioReport s = mixed_outcomes();
  s.name = s.file = s.description = s.run_id = s.hostname = s.error = k_hostile;
  s.properties = {{k_hostile, k_hostile}};
  for (auto& v : s.verdicts) v.name = v.classname = v.message = v.details = k_hostile;
  s.logs = {{k_hostile, "logs/x.log", k_hostile}};
  return s;
}

TEST(JunitWriter, hostile_strings_yield_well_formed_xml_that_reads_back_sanitised) {
  const auto doc = parse(render_junit({hostile_scenario()}));
  const std::string as_attribute = harness::report::sanitize_xml_attribute(k_hostile);
  const std::string as_text = harness::report::sanitize_xml_text(k_hostile);
  EXPECT_EQ(as_attribute,
            "quote\" apos' <tag> &amp; & ]]> <![CDATA[x]]> nul:\\x00 bell:\\x07 esc:\\x1B[31mred\\x1B[0m "
            "tab:\t lf:\n cr:\r crlf:\r\n bad utf8:\xEF\xBF\xBD\xEF\xBF\xBD surrogate:\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
            " fffe:\xEF\xBF\xBD ok: \xC3\xA9 \xE2\x9C\x93");

  const auto suite = doc.child("testsuites").child("testsuite");
  for (const char* attribute : {"name", "file", "hostname"}) {
    EXPECT_EQ(suite.attribute(attribute).value(), as_attribute) << attribute;
  }
  for (const auto& p : suite.child("properties").children("property")) {
    const std::string name = p.attribute("name").value();
    if (name == "seed" || name == "expect") continue;
    EXPECT_EQ(p.attribute("value").value(), as_attribute) << p.attribute("name").value();
  }
  int cases = 0;
  for (const auto& tc : suite.children("testcase")) {
    ++cases;
    const bool setup = std::string(tc.attribute("name").value()) == "scenario setup";
    EXPECT_EQ(tc.attribute("classname").value(), setup ? as_attribute + ".setup" : as_attribute);
    EXPECT_EQ(tc.attribute("file").value(), as_attribute);
    for (const char* element : {"failure", "error", "skipped"}) {
      if (const auto result = tc.child(element)) {
        EXPECT_EQ(result.attribute("message").value(), as_attribute);
      }
    }
  }
  EXPECT_EQ(cases, 5);  // the scenario setup testcase and four verdicts
  EXPECT_EQ(std::string(suite.select_node("testcase/failure").node().child_value()),
            as_text + "\n\n" + as_text);
  const std::string out = suite.child("system-out").child_value();
  EXPECT_NE(out.find("description: " + as_text + "\n"), std::string::npos);
  EXPECT_NE(out.find(as_text + ": " + as_text + "\n"), std::string::npos);
  EXPECT_NE(out.find("----- logs/" + as_text + ".log (last lines) -----\n" + as_text + "\n"), std::string::npos);
  EXPECT_EQ(std::string(suite.child("system-err").child_value()), as_text + "\n");
}

TEST(JunitWriter, hostile_strings_leave_no_character_that_xml_1_0_forbids) {
  const std::string xml = render_junit({hostile_scenario()});
  // No raw control characters other than tab and newline (pugixml writes CR in attributes as &#13;).
  for (const char c : xml) {
    const auto byte = static_cast<unsigned char>(c);
    EXPECT_FALSE(byte < 0x20 && byte != '\t' && byte != '\n') << "raw control character " << int{byte};
  }
  // No character references to them either: pugixml would write "&#01;" if given a raw \x01. The only other
  // references are those of non-ASCII characters (ascii_xml).
  const std::regex reference("&#(x?)([0-9A-Fa-f]+);");
  for (auto it = std::sregex_iterator(xml.begin(), xml.end(), reference); it != std::sregex_iterator(); ++it) {
    const bool hex = (*it)[1] == "x";
    const unsigned long code_point = std::stoul((*it)[2], nullptr, hex ? 16 : 10);
    EXPECT_TRUE(code_point == 9 || code_point == 10 || code_point == 13 || code_point >= 0x80) << (*it)[0];
  }
  // Valid UTF-8 throughout, without U+FFFE/U+FFFF or surrogates: the sanitiser finds nothing to change.
  EXPECT_EQ(harness::report::sanitize_xml_attribute(xml), xml);
}

// xunit-viewer reads a file whose bytes include a U+FFFD as CP1252 and crashes (xml_text.h): the document is
// ASCII, its other characters references, and it still reads back as the same UTF-8 text.
TEST(JunitWriter, the_document_is_ascii_and_declares_utf8_so_no_reader_guesses_another_encoding) {
  const std::string xml = render_junit({hostile_scenario()});
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 0), 0u) << xml.substr(0, 60);
  for (const char c : xml) ASSERT_LT(static_cast<unsigned char>(c), 0x80) << "non-ASCII byte in junit.xml";
  EXPECT_NE(xml.find("bad utf8:&#xFFFD;&#xFFFD;"), std::string::npos);
  EXPECT_NE(xml.find("ok: &#xE9; &#x2713;"), std::string::npos);
  const auto doc = parse(xml);
  EXPECT_EQ(doc.child("testsuites").child("testsuite").attribute("name").value(),
            harness::report::sanitize_xml_attribute(k_hostile));
}

TEST(JunitWriter, an_expected_failure_is_a_passing_testcase_with_the_failure_in_its_system_out) {
  ScenarioReport s = mixed_outcomes();
  s.expectation = "fail";
  s.verdicts = {Verdict{"redis logs x", "known-bad.log", Outcome::k_xfailed, "expected the log to contain 'x'",
                        "searched logs/cache.log", {}}};
  const auto doc = parse(render_junit({s}));
  const auto suite = doc.child("testsuites").child("testsuite");
  EXPECT_STREQ(suite.attribute("failures").value(), "0");
  EXPECT_STREQ(suite.attribute("tests").value(), "1");
  const auto testcase = suite.child("testcase");
  EXPECT_FALSE(testcase.child("failure"));
  EXPECT_FALSE(testcase.child("skipped"));
  EXPECT_EQ(std::string(testcase.child("system-out").child_value()),
            "failed as expected (expect: fail): expected the log to contain 'x'\n\nsearched logs/cache.log\n");
}

class JunitFile : public testing::Test {
protected:
  fs::path dir = fs::temp_directory_path() / ("junit-test-" + std::to_string(::getpid()) + "-" +
                                              testing::UnitTest::GetInstance()->current_test_info()->name());
  void TearDown() override { fs::remove_all(dir); }
};

TEST_F(JunitFile, write_creates_the_folder_and_leaves_no_temporary_file) {
  const fs::path path = dir / "reports" / "junit.xml";
  const auto status = harness::report::write_junit({mixed_outcomes()}, path);
  ASSERT_TRUE(status.is_ok()) << status.message();
  EXPECT_EQ(read_file(path), render_junit({mixed_outcomes()}));
  EXPECT_FALSE(fs::exists(dir / "reports" / "junit.xml.tmp"));
}

TEST_F(JunitFile, write_replaces_an_older_report) {
  fs::create_directories(dir);
  std::ofstream(dir / "junit.xml") << "old and much longer content than an empty report would be, surely";
  ASSERT_TRUE(harness::report::write_junit({}, dir / "junit.xml").is_ok());
  EXPECT_EQ(read_file(dir / "junit.xml"), render_junit({}));
}

TEST_F(JunitFile, an_unwritable_path_is_an_infrastructure_error_naming_it) {
  const auto status = harness::report::write_junit({}, "/dev/null/junit.xml");
  ASSERT_FALSE(status.is_ok());
  EXPECT_EQ(status.kind(), harness::util::ErrorKind::k_infrastructure);
  EXPECT_EQ(status.message(), "cannot create /dev/null: Not a directory");
}

}  // namespace
