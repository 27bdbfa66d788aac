// The load follower: load.py's JSON lines, as its output file grows, become load.publish events and a load.end.
#include "harness/run/load_follower.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/process/process_test_util.h"

namespace harness::run {
namespace {

class LoadFollowerTest : public ::testing::Test {
protected:
  LoadFollowerTest() {
    std::filesystem::create_directories(m_dir.path());
    std::ofstream(jsonl()).close();
  }
  std::filesystem::path jsonl() const { return m_dir.path() / "load.jsonl"; }
  // Appends `text` to the client's file, as load.py does (a line may arrive in pieces).
  void append(const std::string& text) {
    std::ofstream out(jsonl(), std::ios::app);
    out << text;
  }
  std::vector<history::Event> events(history::EventType type) const {
    std::vector<history::Event> out;
    for (const auto& e : m_history.events())
      if (history::is(e, type)) out.push_back(e);
    return out;
  }

  process_test::TempPath m_dir{"load-follower"};
  util::ManualClock m_clock;
  history::History m_history{m_clock, m_dir.path() / "history.jsonl"};
};

TEST_F(LoadFollowerTest, each_publish_line_becomes_a_load_publish_event) {
  LoadFollower follower("burst", m_history, jsonl());
  append(R"({"id":"t1","outcome":"confirmed","at":0.1,"took_ms":2.5,"extra":1})" "\n"
         R"({"id":"t2","outcome":"failed","at":0.2,"took_ms":2000,"error":"timed out"})" "\n");
  follower.consume();
  const auto publishes = events(history::EventType::k_load_publish);
  ASSERT_EQ(publishes.size(), 2u);
  EXPECT_EQ(publishes[0].data,
            nlohmann::json::parse(R"({"load":"burst","id":"t1","outcome":"confirmed","at":0.1,"took_ms":2.5})"));
  EXPECT_EQ(publishes[1].data, nlohmann::json::parse(
                                   R"({"load":"burst","id":"t2","outcome":"failed","at":0.2,"took_ms":2000,
                                       "error":"timed out"})"));
  EXPECT_EQ(follower.published(), 2u);
  EXPECT_EQ(follower.accepted(), (std::vector<std::string>{"t1"}));
}

// load.py's first line names the software that published (under the docker driver, the stack image's): it is no
// publish, and load.end carries it.
TEST_F(LoadFollowerTest, the_client_line_becomes_the_load_end_client_versions) {
  LoadFollower follower("burst", m_history, jsonl());
  append(R"({"client":{"python":"3.13.5","celery":"5.5.2","kombu":"5.5.3","amqp":"5.3.1"}})" "\n"
         R"({"id":"t1","outcome":"confirmed","at":0.1,"took_ms":2.5})" "\n"
         R"({"done":true,"published":1,"counts":{"confirmed":1}})" "\n");
  follower.consume();
  EXPECT_EQ(follower.published(), 1u);
  EXPECT_EQ(follower.finish(process::ExitStatus{0, 0}, false, jsonl()), "");
  const auto ends = events(history::EventType::k_load_end);
  ASSERT_EQ(ends.size(), 1u);
  EXPECT_EQ(ends[0].data.at("client_versions").at("kombu"), "5.5.3");
}

TEST_F(LoadFollowerTest, a_line_written_in_pieces_becomes_one_event_once_complete) {
  LoadFollower follower("burst", m_history, jsonl());
  append(R"({"id":"t1","outcome":"se)");
  follower.consume();
  EXPECT_TRUE(events(history::EventType::k_load_publish).empty());
  append(R"(nt"})" "\n" R"({"id":"t2","outcome":"timeout"})" "\n");
  follower.consume();
  ASSERT_EQ(events(history::EventType::k_load_publish).size(), 2u);
  EXPECT_EQ(follower.accepted(), (std::vector<std::string>{"t1"}));  // sent is accepted, timeout is not
  EXPECT_EQ(follower.published(), 2u);
}

TEST_F(LoadFollowerTest, lines_that_are_not_json_objects_are_skipped) {
  LoadFollower follower("burst", m_history, jsonl());
  append("Traceback (most recent call last):\n[1,2]\n\n" R"({"id":"t1","outcome":"confirmed"})" "\n");
  follower.consume();
  EXPECT_EQ(events(history::EventType::k_load_publish).size(), 1u);
  EXPECT_EQ(follower.published(), 1u);
}

TEST_F(LoadFollowerTest, finish_records_load_end_from_the_summary_line) {
  LoadFollower follower("burst", m_history, jsonl());
  append(R"({"id":"t1","outcome":"confirmed"})" "\n"
         R"({"done":true,"published":1,"counts":{"confirmed":1}})" "\n");
  follower.consume();
  EXPECT_EQ(follower.published(), 1u);  // the summary is no publish
  const std::string failure = follower.finish(process::ExitStatus{0, 0}, false, m_dir.path() / "load.log");
  EXPECT_EQ(failure, "");
  const auto end = events(history::EventType::k_load_end);
  ASSERT_EQ(end.size(), 1u);
  EXPECT_EQ(end[0].data, nlohmann::json::parse(
                             R"({"load":"burst","published":1,"counts":{"confirmed":1},"stopped":false,"exit_code":0})"));
}

TEST_F(LoadFollowerTest, client_that_exits_without_its_summary_fails_with_its_log_tail) {
  LoadFollower follower("burst", m_history, jsonl());
  std::ofstream(m_dir.path() / "load.log") << "connecting\nkombu.exceptions.OperationalError: refused\n";
  follower.consume();
  const std::string failure = follower.finish(process::ExitStatus{1, 0}, false, m_dir.path() / "load.log");
  EXPECT_EQ(failure, "load 'burst' client exited with exit code 1 before its end; its log (" +
                         (m_dir.path() / "load.log").string() +
                         ") ends with:\nconnecting\nkombu.exceptions.OperationalError: refused\n");
  const auto end = events(history::EventType::k_load_end);
  ASSERT_EQ(end.size(), 1u);
  EXPECT_EQ(end[0].data["exit_code"], 1);
  EXPECT_EQ(end[0].data["published"], 0);
  EXPECT_EQ(end[0].data["log_tail"], "connecting\nkombu.exceptions.OperationalError: refused\n");
}

TEST_F(LoadFollowerTest, client_stopped_by_the_harness_is_no_failure) {
  LoadFollower follower("burst", m_history, jsonl());
  const std::string failure = follower.finish(process::ExitStatus{-1, 15}, true, m_dir.path() / "load.log");
  EXPECT_EQ(failure, "");
  const auto end = events(history::EventType::k_load_end);
  ASSERT_EQ(end.size(), 1u);
  EXPECT_TRUE(end[0].data["stopped"].get<bool>());
  EXPECT_FALSE(end[0].data.contains("log_tail"));
}

}  // namespace
}  // namespace harness::run
