#include "harness/history/history.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using harness::history::Event;
using harness::history::EventType;
using harness::history::History;
using harness::history::read_history;
using nlohmann::json;

class HistoryFile : public testing::Test {
protected:
  fs::path dir = fs::temp_directory_path() / ("history-test-" + std::to_string(::getpid()) + "-" +
                                              testing::UnitTest::GetInstance()->current_test_info()->name());
  fs::path path = dir / "reports" / "history.jsonl";
  harness::util::ManualClock clock;  // wall clock starts at 2023-11-14T22:13:20Z

  void TearDown() override { fs::remove_all(dir); }
  void write(const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
  }
  std::vector<std::string> lines() {
    std::ifstream in(path);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }
};

TEST_F(HistoryFile, records_stamped_events_and_reads_them_back) {
  History history(clock, path);
  ASSERT_TRUE(history.open().is_ok());
  history.record(EventType::k_run_begin, {}, {{"scenario", "smoke"}});
  clock.advance(1500ms);
  history.record(EventType::k_service_ready, "broker", {{"after_s", 1.5}});
  auto events = read_history(path);
  ASSERT_TRUE(events.has_value()) << events.error().message();
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].type, "run.begin");
  EXPECT_EQ((*events)[0].service, "");
  EXPECT_EQ((*events)[0].data, (json{{"scenario", "smoke"}}));
  EXPECT_DOUBLE_EQ((*events)[1].t, 1.5);
  EXPECT_EQ((*events)[1].service, "broker");
  EXPECT_EQ((*events)[1].time, "2023-11-14T22:13:21.500Z");
  EXPECT_EQ((*events)[1].data["after_s"], 1.5);
}

TEST_F(HistoryFile, record_returns_the_stamped_event_and_keeps_it_in_memory) {
  History history(clock, path);
  ASSERT_TRUE(history.open().is_ok());
  clock.advance(250ms);
  const Event event = history.record(EventType::k_fault_start, "broker", {{"kind", "pause"}});
  EXPECT_DOUBLE_EQ(event.t, 0.25);
  EXPECT_EQ(event.time, "2023-11-14T22:13:20.250Z");
  ASSERT_EQ(history.events().size(), 1u);
  EXPECT_EQ(history.events()[0].type, "fault.start");
}

TEST_F(HistoryFile, time_is_counted_from_construction_not_from_open) {
  History history(clock, path);
  clock.advance(2s);
  ASSERT_TRUE(history.open().is_ok());
  EXPECT_DOUBLE_EQ(history.record(EventType::k_run_begin).t, 2.0);
}

TEST_F(HistoryFile, every_line_is_flushed_as_it_is_recorded_in_a_fixed_field_order) {
  History history(clock, path);
  ASSERT_TRUE(history.open().is_ok());
  history.record(EventType::k_step_begin, {}, {{"index", 1}});
  clock.advance(1234ms);
  history.record(EventType::k_service_ready, "broker", {{"b", 2}, {"a", 1}});
  // Read while the writer is still open: nothing may wait in a buffer.
  EXPECT_EQ(lines(), (std::vector<std::string>{
                         R"({"t":0.0,"time":"2023-11-14T22:13:20.000Z","type":"step.begin","data":{"index":1}})",
                         R"({"t":1.234,"time":"2023-11-14T22:13:21.234Z","type":"service.ready","service":"broker","data":{"a":1,"b":2}})"}));
}

TEST_F(HistoryFile, invalid_utf8_in_an_event_is_written_as_replacement_characters) {
  History history(clock, path);
  ASSERT_TRUE(history.open().is_ok());
  history.record(EventType::k_exec_result, "worker.1", {{"output", "bad:\xFF"}});
  auto events = read_history(path);
  ASSERT_TRUE(events.has_value()) << events.error().message();
  EXPECT_EQ((*events)[0].data["output"], "bad:\xEF\xBF\xBD");
}

TEST_F(HistoryFile, concurrent_records_write_whole_lines_in_time_order) {
  History history(clock, path);
  ASSERT_TRUE(history.open().is_ok());
  constexpr int k_threads = 4, k_per_thread = 200;
  std::vector<std::thread> threads;
  for (int t = 0; t < k_threads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < k_per_thread; ++i) {
        history.record(EventType::k_exec_result, "worker." + std::to_string(t), {{"i", i}});
        clock.advance(1ms);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  auto events = read_history(path);
  ASSERT_TRUE(events.has_value()) << events.error().message();
  ASSERT_EQ(events->size(), static_cast<size_t>(k_threads * k_per_thread));
  std::set<std::pair<std::string, int>> seen;
  for (size_t i = 0; i < events->size(); ++i) {
    if (i > 0) {
      EXPECT_LE((*events)[i - 1].t, (*events)[i].t) << "line " << i + 1;
    }
    seen.emplace((*events)[i].service, (*events)[i].data["i"].get<int>());
  }
  EXPECT_EQ(seen.size(), events->size());
  EXPECT_EQ(history.events().size(), events->size());
}

TEST_F(HistoryFile, events_of_type_selects_by_prefix) {
  History history(clock, path);
  history.record(EventType::k_service_started, "broker");
  history.record(EventType::k_step_begin);
  history.record(EventType::k_service_ready, "broker");
  const auto service_events = history.events_of_type("service.");
  ASSERT_EQ(service_events.size(), 2u);
  EXPECT_EQ(service_events[0].type, "service.started");
  EXPECT_EQ(service_events[1].type, "service.ready");
  EXPECT_EQ(history.events_of_type("step.end").size(), 0u);
  EXPECT_EQ(history.events_of_type("").size(), 3u);
}

TEST_F(HistoryFile, without_open_events_are_kept_in_memory_only) {
  History history(clock, path);
  history.record(EventType::k_run_begin);
  EXPECT_EQ(history.events().size(), 1u);
  EXPECT_FALSE(fs::exists(path));
}

TEST_F(HistoryFile, open_creates_the_parent_folders) {
  History history(clock, path);
  ASSERT_TRUE(history.open().is_ok());
  EXPECT_TRUE(fs::exists(path));
}

TEST_F(HistoryFile, open_fails_naming_the_path_when_it_cannot_write) {
  History history(clock, "/dev/null/history.jsonl");
  const auto status = history.open();
  ASSERT_FALSE(status.is_ok());
  EXPECT_EQ(status.kind(), harness::util::ErrorKind::k_infrastructure);
  EXPECT_EQ(status.message(), "cannot create /dev/null: Not a directory");
}

TEST_F(HistoryFile, observer_sees_every_event_in_order) {
  History history(clock, path);
  std::vector<std::string> seen;
  history.set_observer([&](const Event& e) { seen.push_back(e.type); });
  history.record(EventType::k_run_begin);
  history.record(EventType::k_run_end);
  EXPECT_EQ(seen, (std::vector<std::string>{"run.begin", "run.end"}));
}

TEST_F(HistoryFile, a_truncated_last_line_of_a_killed_writer_is_ignored) {
  write(R"({"t":0.5,"type":"run.begin","data":{}})" "\n" R"({"t":1.0,"type":"serv)");
  auto events = read_history(path);
  ASSERT_TRUE(events.has_value()) << events.error().message();
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].type, "run.begin");
}

TEST_F(HistoryFile, a_complete_last_line_without_newline_is_read) {
  write(R"({"t":0.5,"type":"run.begin"})" "\n" R"({"t":1.0,"type":"run.end"})");
  auto events = read_history(path);
  ASSERT_TRUE(events.has_value()) << events.error().message();
  EXPECT_EQ(events->size(), 2u);
}

TEST_F(HistoryFile, a_malformed_middle_line_is_an_error_naming_file_and_line) {
  write(R"({"t":0.5,"type":"run.begin"})" "\nnot json\n" R"({"t":1,"type":"run.end"})" "\n");
  auto events = read_history(path);
  ASSERT_FALSE(events.has_value());
  EXPECT_EQ(events.error().kind(), harness::util::ErrorKind::k_invalid_input);
  EXPECT_EQ(events.error().message(), path.string() + ":2: not valid JSON");
}

TEST_F(HistoryFile, a_malformed_last_line_ending_in_newline_is_an_error) {
  write(R"({"t":0.5,"type":"run.begin"})" "\n" R"({"t":1.0,"type":"serv)" "\n");
  auto events = read_history(path);
  ASSERT_FALSE(events.has_value());
  EXPECT_EQ(events.error().message(), path.string() + ":2: not valid JSON");
}

TEST_F(HistoryFile, blank_lines_are_skipped_but_counted) {
  write("\n" R"({"t":0.5,"type":"run.begin"})" "\n\n" R"({"t":"late","type":"run.end"})" "\n");
  auto events = read_history(path);
  ASSERT_FALSE(events.has_value());
  EXPECT_EQ(events.error().message(), path.string() + ":4: no \"t\" number");
}

TEST_F(HistoryFile, an_event_without_type_is_an_error) {
  write(R"({"t":0.5})" "\n");
  auto events = read_history(path);
  ASSERT_FALSE(events.has_value());
  EXPECT_EQ(events.error().message(), path.string() + ":1: no \"type\" string");
}

TEST_F(HistoryFile, a_missing_file_is_an_error_naming_it) {
  auto events = read_history(dir / "missing.jsonl");
  ASSERT_FALSE(events.has_value());
  EXPECT_EQ(events.error().message(), "cannot read " + (dir / "missing.jsonl").string() + ": No such file or directory");
}

TEST(History, event_json_round_trips) {
  Event event{12.5, "2026-11-22T17:41:03.125Z", "service.exited", "worker.1", {{"exit_code", 2}, {"signal", nullptr}}};
  const json j = harness::history::to_json(event);
  EXPECT_EQ(j, json::parse(R"({"t":12.5,"time":"2026-11-22T17:41:03.125Z","type":"service.exited",
                               "service":"worker.1","data":{"exit_code":2,"signal":null}})"));
  auto back = harness::history::event_from_json(j);
  ASSERT_TRUE(back.has_value()) << back.error().message();
  EXPECT_EQ(back->t, event.t);
  EXPECT_EQ(back->time, event.time);
  EXPECT_EQ(back->type, event.type);
  EXPECT_EQ(back->service, event.service);
  EXPECT_EQ(back->data, event.data);
  EXPECT_EQ(json::parse(harness::history::to_line(event)), j);
}

TEST(History, event_json_leaves_out_an_empty_service) {
  EXPECT_FALSE(harness::history::to_json(Event{0.0, "", "run.begin", "", json::object()}).contains("service"));
}

TEST(History, event_from_json_rejects_wrong_types_without_throwing) {
  const auto message = [](const char* text) {
    auto event = harness::history::event_from_json(json::parse(text));
    return event.has_value() ? std::string("accepted") : event.error().message();
  };
  EXPECT_EQ(message("[1,2]"), "not a JSON object");
  EXPECT_EQ(message(R"({"type":"a"})"), "no \"t\" number");
  EXPECT_EQ(message(R"({"t":1,"type":3})"), "no \"type\" string");
  EXPECT_EQ(message(R"({"t":1,"type":"a","time":5})"), "\"time\" is not a string");
  EXPECT_EQ(message(R"({"t":1,"type":"a","service":["x"]})"), "\"service\" is not a string");
  EXPECT_EQ(message(R"({"t":1,"type":"a"})"), "accepted");  // time, service and data are optional
}

}  // namespace
