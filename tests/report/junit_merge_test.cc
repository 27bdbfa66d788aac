// Merging the JUnit files of a suite's shards: every suite kept, ids renumbered, totals summed.
#include "harness/report/junit_merge.h"

#include <gtest/gtest.h>
#include <pugixml.hpp>
#include <unistd.h>

#include <fstream>

#include "harness/report/junit_writer.h"

namespace harness::report {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using check::Outcome;
using check::Verdict;

ScenarioReport scenario(const std::string& name, std::chrono::milliseconds duration, std::vector<Verdict> verdicts) {
  ScenarioReport s;
  s.name = name;
  s.file = "scenarios/" + name + ".yaml";
  s.run_id = "run-" + name;
  s.hostname = "ci-host";
  s.duration = duration;
  s.verdicts = std::move(verdicts);
  return s;
}

Verdict verdict(const std::string& name, Outcome outcome) { return Verdict{name, "", outcome, "why é", {}, {}}; }

class JunitMergeTest : public ::testing::Test {
protected:
  void SetUp() override {
    m_dir = fs::temp_directory_path() / ("celery-chaos-merge-" + std::to_string(::getpid()));
    fs::create_directories(m_dir);
  }
  void TearDown() override { fs::remove_all(m_dir); }
  fs::path write(const std::string& file, const std::string& content) {
    std::ofstream(m_dir / file) << content;
    return m_dir / file;
  }
  fs::path m_dir;
};

TEST_F(JunitMergeTest, keeps_every_suite_of_every_shard_and_sums_the_totals) {
  const auto shard1 = write("shard-1.xml", render_junit({scenario("a", 1'500ms, {verdict("ok", Outcome::k_passed),
                                                                               verdict("bad", Outcome::k_failed)}),
                                                        scenario("b", 2'250ms, {verdict("skip", Outcome::k_skipped)})}));
  const auto shard2 = write("shard-2.xml", render_junit({scenario("c", 10'000ms, {verdict("err", Outcome::k_error)})}));
  const auto empty = write("shard-3.xml", render_junit({}));  // a shard with no scenario
  const auto merged = merge_junit({shard1, shard2, empty});
  ASSERT_TRUE(merged) << merged.error().message();
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(merged->c_str()));
  const auto root = doc.child("testsuites");
  EXPECT_STREQ(root.attribute("name").value(), "celery-chaos");
  EXPECT_STREQ(root.attribute("tests").value(), "4");
  EXPECT_STREQ(root.attribute("failures").value(), "1");
  EXPECT_STREQ(root.attribute("errors").value(), "1");
  EXPECT_STREQ(root.attribute("skipped").value(), "1");
  EXPECT_STREQ(root.attribute("time").value(), "13.750");
  std::vector<std::string> suites;
  int id = 0;
  for (const auto suite : root.children("testsuite")) {
    suites.push_back(suite.attribute("name").value());
    EXPECT_EQ(suite.attribute("id").as_int(), id++);
  }
  EXPECT_EQ(suites, (std::vector<std::string>{"a", "b", "c"}));
  // Whole suites: their testcases, properties and output come along; the document stays ASCII.
  EXPECT_STREQ(root.find_child_by_attribute("testsuite", "name", "c").child("testcase").child("error").attribute(
                   "message").value(), "why \xC3\xA9");
  EXPECT_NE(merged->find("why &#xE9;"), std::string::npos);
}

TEST_F(JunitMergeTest, a_lone_testsuite_without_counts_is_counted_from_its_testcases) {
  const auto other = write("other.xml", R"(<testsuite name="pytest" time="2.5">
    <testcase name="t1"/><testcase name="t2"><failure message="x"/></testcase>
    <testcase name="t3"><skipped/></testcase></testsuite>)");
  const auto merged = merge_junit({other});
  ASSERT_TRUE(merged) << merged.error().message();
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(merged->c_str()));
  const auto root = doc.child("testsuites");
  EXPECT_STREQ(root.attribute("tests").value(), "3");
  EXPECT_STREQ(root.attribute("failures").value(), "1");
  EXPECT_STREQ(root.attribute("errors").value(), "0");
  EXPECT_STREQ(root.attribute("skipped").value(), "1");
  EXPECT_STREQ(root.attribute("time").value(), "2.500");
  EXPECT_STREQ(root.child("testsuite").attribute("id").value(), "0");
}

TEST_F(JunitMergeTest, names_the_input_that_is_not_junit) {
  const auto not_xml = write("broken.xml", "<testsuites><testsuite>");
  const auto html = write("page.xml", "<html/>");
  const auto missing = m_dir / "missing.xml";
  const auto broken = merge_junit({not_xml});
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().kind(), util::ErrorKind::k_invalid_input);
  EXPECT_EQ(broken.error().message(), not_xml.string() + ": not XML: Start-end tags mismatch at offset 22");
  const auto wrong_root = merge_junit({html});
  ASSERT_FALSE(wrong_root);
  EXPECT_EQ(wrong_root.error().message(),
            html.string() + ": not JUnit XML (its root is <html>, not <testsuites> or <testsuite>)");
  const auto absent = merge_junit({missing});
  ASSERT_FALSE(absent);
  EXPECT_EQ(absent.error().message(), missing.string() + ": cannot read it");
}

}  // namespace
}  // namespace harness::report
