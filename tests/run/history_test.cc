#include "harness/run/history.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace {
namespace fs = std::filesystem;

class HistoryFile : public testing::Test {
protected:
  fs::path path = fs::temp_directory_path() / ("history-test-" + std::to_string(::getpid()) + "-" +
                                               testing::UnitTest::GetInstance()->current_test_info()->name() + ".jsonl");
  void TearDown() override { fs::remove(path); }
};

TEST_F(HistoryFile, RecordsStampedEventsAndReadsThemBack) {
  harness::util::ManualClock clock;
  harness::run::History history(clock, path);
  ASSERT_TRUE(history.open().is_ok());
  history.record("run.begin", {}, {{"scenario", "smoke"}});
  clock.advance(std::chrono::milliseconds{1500});
  history.record("service.ready", "broker", {{"after_s", 1.5}});
  auto events = harness::run::read_history(path);
  ASSERT_TRUE(events.has_value()) << events.error().message();
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].type, "run.begin");
  EXPECT_EQ((*events)[0].service, "");
  EXPECT_DOUBLE_EQ((*events)[1].t, 1.5);
  EXPECT_EQ((*events)[1].service, "broker");
  EXPECT_EQ((*events)[1].time, "2023-11-14T22:13:21.500Z");
  EXPECT_EQ((*events)[1].data["after_s"], 1.5);
}

TEST_F(HistoryFile, EveryLineIsFlushedAsItIsRecorded) {
  harness::util::ManualClock clock;
  harness::run::History history(clock, path);
  ASSERT_TRUE(history.open().is_ok());
  history.record("step.begin", {}, {{"index", 1}});
  std::ifstream in(path);  // read while the writer is still open
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  EXPECT_EQ(line, R"({"t":0.0,"time":"2023-11-14T22:13:20.000Z","type":"step.begin","data":{"index":1}})");
}

TEST_F(HistoryFile, ATruncatedLastLineOfAKilledWriterIsIgnored) {
  std::ofstream(path) << R"({"t":0.5,"type":"run.begin","data":{}})" << "\n" << R"({"t":1.0,"type":"serv)";
  auto events = harness::run::read_history(path);
  ASSERT_TRUE(events.has_value()) << events.error().message();
  EXPECT_EQ(events->size(), 1u);
}

TEST_F(HistoryFile, AMalformedMiddleLineIsAnErrorNamingTheLine) {
  std::ofstream(path) << R"({"t":0.5,"type":"run.begin"})" << "\nnot json\n" << R"({"t":1,"type":"run.end"})" << "\n";
  auto events = harness::run::read_history(path);
  ASSERT_FALSE(events.has_value());
  EXPECT_EQ(events.error().message(), path.filename().string() + ":2: not valid JSON");
}

TEST_F(HistoryFile, AnEventWithoutTypeIsAnError) {
  std::ofstream(path) << R"({"t":0.5})" << "\n";
  auto events = harness::run::read_history(path);
  ASSERT_FALSE(events.has_value());
  EXPECT_EQ(events.error().message(), path.filename().string() + ":1: no \"type\" string");
}

TEST_F(HistoryFile, ObserverSeesEveryEventInOrder) {
  harness::util::ManualClock clock;
  harness::run::History history(clock, path);
  ASSERT_TRUE(history.open().is_ok());
  std::vector<std::string> seen;
  history.set_observer([&](const harness::run::Event& e) { seen.push_back(e.type); });
  history.record("a");
  history.record("b");
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(history.events_of_type("b").size(), 1u);
}

}  // namespace
