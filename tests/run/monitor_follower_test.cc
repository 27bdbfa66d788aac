// The monitor follower: monitor.py's JSON lines, as its events file grows, become monitor.* events of the worker
// instance each node name belongs to.
#include "harness/run/monitor_follower.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/process/process_test_util.h"

namespace harness::run {
namespace {

class MonitorFollowerTest : public ::testing::Test {
protected:
  std::filesystem::path jsonl() const { return m_dir.path() / "monitor.events.jsonl"; }
  // Appends `text` to the monitor's file, as monitor.py does (a line may arrive in pieces).
  void append(const std::string& text) {
    std::filesystem::create_directories(m_dir.path());
    std::ofstream out(jsonl(), std::ios::app);
    out << text;
  }
  MonitorFollower follower() {
    return MonitorFollower("monitor", m_history, jsonl(), {{"worker-1@cc-r", "worker.1"}});
  }

  process_test::TempPath m_dir{"monitor-follower"};
  util::ManualClock m_clock;
  history::History m_history{m_clock, m_dir.path() / "history.jsonl"};
};

TEST_F(MonitorFollowerTest, worker_status_and_task_lines_become_monitor_events_of_their_instance) {
  auto lines = follower();
  append(R"({"at":1.5,"event":"worker-heartbeat","node":"worker-1@cc-r","freq":2.0,"active":1,"processed":3,"sw_ver":"5.2.6"})" "\n"
         R"({"at":5.6,"status":"offline","node":"worker-1@cc-r","last_heartbeat":1.5,"expires":5.5})" "\n"
         R"({"at":2.0,"event":"task-sent","node":"gen42@host","id":"t1","name":"probe.sleep"})" "\n"
         R"j({"at":2.1,"event":"task-failed","node":"worker-1@cc-r","id":"t1","name":"probe.sleep","exception":"RuntimeError('x')","runtime":null})j" "\n");
  lines.consume();
  const auto events = m_history.events();
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].type, "monitor.worker");
  EXPECT_EQ(events[0].service, "worker.1");
  EXPECT_EQ(events[0].data, nlohmann::json::parse(R"({"monitor":"monitor","node":"worker-1@cc-r","event":"heartbeat",
                                                      "at":1.5,"freq":2.0,"active":1,"processed":3})"));
  EXPECT_EQ(events[1].type, "monitor.status");
  EXPECT_EQ(events[1].data, nlohmann::json::parse(R"({"monitor":"monitor","node":"worker-1@cc-r","status":"offline",
                                                      "at":5.6,"last_heartbeat":1.5,"expires":5.5})"));
  EXPECT_EQ(events[2].type, "monitor.task");
  EXPECT_EQ(events[2].service, "");  // the publisher's node is no worker instance
  EXPECT_EQ(events[2].data, nlohmann::json::parse(R"({"monitor":"monitor","node":"gen42@host","state":"sent",
                                                      "id":"t1","name":"probe.sleep","at":2.0})"));
  EXPECT_EQ(events[3].service, "worker.1");
  EXPECT_EQ(events[3].data, nlohmann::json::parse(R"j({"monitor":"monitor","node":"worker-1@cc-r","state":"failed",
                                                       "id":"t1","name":"probe.sleep","at":2.1,
                                                       "exception":"RuntimeError('x')"})j"));
}

TEST_F(MonitorFollowerTest, waits_for_the_file_and_for_a_line_to_end_and_skips_other_lines) {
  auto lines = follower();
  lines.consume();  // no file yet
  append("not json\n[1,2]\n{\"at\":1,\"event\":\"heartbeat-of-nothing\"}\n{\"at\":1,\"event\":\"worker-onl");
  lines.consume();
  EXPECT_TRUE(m_history.events().empty());
  append("ine\",\"node\":\"worker-9@cc-r\"}\n");
  lines.consume();
  const auto events = m_history.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "monitor.worker");
  EXPECT_EQ(events[0].service, "");  // a node of no instance of this run
  EXPECT_EQ(events[0].data["event"], "online");
}

// The follower runs on a thread of its own: a line of the right keys but other types must not throw there (it
// would end the harness and leave its services running).
TEST_F(MonitorFollowerTest, a_line_whose_fields_have_other_types_is_skipped) {
  auto lines = follower();
  append("{\"at\":1,\"event\":\"worker-heartbeat\",\"node\":null}\n{\"at\":1,\"status\":7,\"node\":\"x\"}\n"
         "{\"at\":1,\"event\":[\"task-started\"]}\n{\"at\":2,\"event\":\"worker-online\",\"node\":\"worker-9@cc-r\"}\n");
  EXPECT_NO_THROW(lines.consume());
  const auto events = m_history.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data["event"], "online");
}

}  // namespace
}  // namespace harness::run
