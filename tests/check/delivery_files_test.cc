// The delivery check through judge_delivery on real files: history.jsonl as history::to_line writes it, ledger.jsonl
// as fixtures/celery/probe.py `_record` writes it. Reordered, empty, truncated and malformed files, fault pairing,
// and the delivery.json report.
#include "harness/check/delivery_check.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include "harness/history/history.h"
#include "harness/util/time_format.h"

namespace harness::check {
namespace {

using check::DeliveryParams;

constexpr double k_t = 1763832000.0;  // the first publish, epoch seconds

std::string uuid(int n) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "00000000-0000-4000-8000-%012d", n);
  return buffer;
}

// As the History stamps it: milliseconds (rounded here, so that test times are exact).
std::string iso(double epoch) {
  const std::chrono::milliseconds ms(std::llround(epoch * 1000));
  return util::iso8601_utc(std::chrono::system_clock::time_point(ms));
}

std::string event(double epoch, std::string type, std::string service, nlohmann::json data) {
  history::Event e;
  e.t = epoch - k_t + 2;
  e.time = iso(epoch);
  e.type = std::move(type);
  e.service = std::move(service);
  e.data = std::move(data);
  return history::to_line(e);
}

std::string published(const std::string& id, double at, const std::string& outcome = "confirmed",
                      const std::string& load = "load-1") {
  nlohmann::json data = {{"load", load}, {"id", id}, {"outcome", outcome}, {"at", at}, {"took_ms", 0.4}};
  if (outcome == "failed" || outcome == "timeout") data["error"] = "OperationalError: connection reset";
  return event(at, "load.publish", "", data);
}

// As fixtures/celery/probe.py `_record` writes it (json.dumps, compact).
std::string executed(const std::string& id, double started, const std::string& worker = "worker-1@cc-run",
                     bool redelivered = false, const std::string& task = "probe.record") {
  return nlohmann::json({{"task_id", id},
                         {"task", task},
                         {"worker", worker},
                         {"pid", 4242},
                         {"attempt", 0},
                         {"redelivered", redelivered},
                         {"started", started},
                         {"finished", started + 0.001}})
      .dump();
}

class DeliveryFiles : public ::testing::Test {
protected:
  void SetUp() override {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    m_dir = std::filesystem::temp_directory_path() /
            ("delivery-test-" + std::to_string(::getpid()) + "-" + test->name());
    std::filesystem::remove_all(m_dir);
    std::filesystem::create_directories(m_dir);
  }
  void TearDown() override { std::filesystem::remove_all(m_dir); }

  // Writes each line followed by a newline, then `tail` (a last line without one).
  void write(const char* file, const std::vector<std::string>& lines, const std::string& tail = "") {
    std::ofstream out(m_dir / file, std::ios::binary);
    for (const auto& line : lines) out << line << '\n';
    out << tail;
  }
  std::vector<std::string> history_lines() {
    std::vector<std::string> lines = {event(k_t - 2, "run.begin", "", {{"scenario", "s"}}),
                                      event(k_t - 1, "service.ready", "broker", {{"pid", 1}})};
    for (int i = 0; i < 30; ++i) {
      if (i == 10) lines.push_back(event(k_t + 1.0, "fault.start", "worker.1", {{"kind", "pause"}}));
      if (i == 20) lines.push_back(event(k_t + 2.0, "fault.end", "worker.1", {{"kind", "pause"}}));
      lines.push_back(published(uuid(i), k_t + 0.1 * i));
    }
    lines.push_back(published(uuid(30), k_t + 3.0, "failed"));
    lines.push_back(published("job-31", k_t + 3.1, "sent", "load-2"));
    return lines;
  }
  // uuid(5) lost, uuid(7) duplicated (redelivered), uuid(30) failed but executed, job-99 phantom.
  std::vector<std::string> ledger_lines() {
    std::vector<std::string> lines;
    for (int i = 0; i < 30; ++i)
      if (i != 5) lines.push_back(executed(uuid(i), k_t + 0.1 * i + 0.02));
    lines.push_back(executed(uuid(7), k_t + 4.0, "worker-2@cc-run", true));
    lines.push_back(executed(uuid(30), k_t + 3.05));
    lines.push_back(executed("job-31", k_t + 3.15));
    lines.push_back(executed("job-99", k_t + 3.5, "worker-2@cc-run"));
    return lines;
  }
  Verdict judge_files(const DeliveryParams& check = {}) {
    return judge_delivery(check, "delivery", "s.delivery", m_dir / "history.jsonl", m_dir / "ledger.jsonl",
                          m_dir / "out" / "delivery.json");
  }
  std::string path(const char* file) const { return (m_dir / file).string(); }

  std::filesystem::path m_dir;
};

const std::string k_expected_failure =
    "lost 1 of 31 accepted tasks (expected at most 0): " + uuid(5) +
    "; duplicated 1 of 31 executed tasks (expected at most 0): " + uuid(7) +
    " (worker-1@cc-run + worker-2@cc-run redelivered); phantom 1 executed task never published (expected at most 0): "
    "job-99 (worker-2@cc-run); all ids in delivery.json";

TEST_F(DeliveryFiles, judges_the_files_and_writes_every_id_to_delivery_json) {
  write("history.jsonl", history_lines());
  write("ledger.jsonl", ledger_lines());
  const auto v = judge_files();
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, k_expected_failure);
  EXPECT_EQ(v.details.rfind("history: " + path("history.jsonl") + "\nledger: " + path("ledger.jsonl") + "\n", 0), 0u)
      << v.details;

  std::ifstream in(m_dir / "out" / "delivery.json");
  const auto report = nlohmann::json::parse(in);
  EXPECT_EQ(report["outcome"], "failed");
  EXPECT_EQ(report["message"], k_expected_failure);
  EXPECT_EQ(report["counts"],
            nlohmann::json({{"published", 32}, {"accepted", 31}, {"executed", 31}, {"executions", 32},
                            {"ledger_executions", 33}, {"lost", 1}, {"duplicated", 1}, {"phantom", 1},
                            {"executed_although_failed", 1}}));
  ASSERT_EQ(report["lost"].size(), 1u);
  EXPECT_EQ(report["lost"][0]["id"], uuid(5));
  EXPECT_EQ(report["lost"][0]["load"], "load-1");
  EXPECT_EQ(report["lost"][0]["outcome"], "confirmed");
  EXPECT_DOUBLE_EQ(report["lost"][0]["at"].get<double>(), k_t + 0.5);
  ASSERT_EQ(report["duplicated"].size(), 1u);
  EXPECT_EQ(report["duplicated"][0]["executions"][1],
            nlohmann::json({{"worker", "worker-2@cc-run"}, {"started", k_t + 4.0}, {"attempt", 0},
                            {"redelivered", true}}));
  EXPECT_EQ(report["phantom"][0]["id"], "job-99");
  EXPECT_EQ(report["executed_although_failed"][0]["error"], "OperationalError: connection reset");
  ASSERT_EQ(report["faults"].size(), 1u);
  EXPECT_EQ(report["faults"][0]["kind"], "pause");
  EXPECT_EQ(report["faults"][0]["service"], "worker.1");
  EXPECT_EQ(report["faults"][0]["ended"], true);
  EXPECT_DOUBLE_EQ(report["faults"][0]["end"].get<double>() - report["faults"][0]["start"].get<double>(), 1.0);
  EXPECT_EQ(report["latency_ms"]["count"], 30);
  EXPECT_EQ(report["longest_publish"]["took_ms"], 0.4);  // every publish line says 0.4 ms
  EXPECT_EQ(report["throughput"]["executions"], nlohmann::json({9, 10, 10, 2, 1}));
}

TEST_F(DeliveryFiles, reordered_lines_give_the_same_verdict) {
  auto history = history_lines();
  auto ledger = ledger_lines();
  std::mt19937 rng(11);
  std::shuffle(history.begin() + 2, history.end(), rng);  // fault events keep their relative order below
  std::stable_partition(history.begin(), history.end(),
                        [](const std::string& line) { return line.find("\"fault.") == std::string::npos; });
  std::shuffle(ledger.begin(), ledger.end(), rng);
  write("history.jsonl", history);
  write("ledger.jsonl", ledger);
  const auto v = judge_files();
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, k_expected_failure);
}

TEST_F(DeliveryFiles, a_truncated_last_line_is_ignored) {
  const std::string cut_publish = published(uuid(40), k_t + 4).substr(0, 90);
  const std::string cut_execution = executed(uuid(5), k_t + 9).substr(0, 120);  // "started":17638... cut
  write("history.jsonl", history_lines(), cut_publish);
  write("ledger.jsonl", ledger_lines(), cut_execution);
  const auto v = judge_files();
  EXPECT_EQ(v.message, k_expected_failure);
  EXPECT_NE(v.details.find(path("history.jsonl") + " (truncated last line ignored)\n"), std::string::npos);
  EXPECT_NE(v.details.find(path("ledger.jsonl") + " (truncated last line ignored)\n"), std::string::npos);
}

TEST_F(DeliveryFiles, a_complete_last_line_without_a_newline_counts) {
  write("history.jsonl", history_lines());
  auto ledger = ledger_lines();
  write("ledger.jsonl", ledger, executed(uuid(5), k_t + 9));
  EXPECT_EQ(judge_files().message.rfind("duplicated 1 of 32 executed tasks", 0), 0u);
}

TEST_F(DeliveryFiles, a_bad_line_before_the_last_is_an_error) {
  auto history = history_lines();
  history.insert(history.begin() + 2, "{\"t\":1,\"type\":\"load.publish\",\"data\":{\"id\":");
  write("history.jsonl", history);
  write("ledger.jsonl", ledger_lines());
  auto v = judge_files();
  EXPECT_EQ(v.outcome, Outcome::k_error);
  EXPECT_EQ(v.message, path("history.jsonl") + ":3: not valid JSON");

  write("history.jsonl", history_lines());
  write("ledger.jsonl", {executed(uuid(1), k_t), "{\"task_id\":\"x\",\"worker\":\"w\"}", executed(uuid(2), k_t)});
  v = judge_files();
  EXPECT_EQ(v.outcome, Outcome::k_error);
  EXPECT_EQ(v.message, path("ledger.jsonl") + ":2: no \"started\" number");
}

TEST_F(DeliveryFiles, malformed_events_are_errors_naming_the_line) {
  write("ledger.jsonl", {});
  const auto message_for = [&](const std::string& line) {
    write("history.jsonl", {published(uuid(1), k_t), line, published(uuid(2), k_t)});
    return judge_files().message;
  };
  const std::string at = path("history.jsonl") + ":2: ";
  EXPECT_EQ(message_for(R"({"t":1,"type":"load.publish","data":{"load":"l","outcome":"sent","at":1}})"),
            at + "load.publish has no \"id\" string in \"data\"");
  EXPECT_EQ(message_for(R"({"t":1,"type":"load.publish","data":{"id":"a","outcome":"lost","at":1}})"),
            at + "load.publish has an unknown outcome 'lost' (expected confirmed, sent, failed or timeout)");
  EXPECT_EQ(message_for(R"({"t":1,"type":"load.publish","data":{"id":"a","outcome":"sent"}})"),
            at + "load.publish has no \"at\" number in \"data\"");
  EXPECT_EQ(message_for(R"({"t":1,"time":"yesterday","type":"fault.start","data":{"kind":"pause"}})"),
            at + "fault.start has a bad \"time\" 'yesterday' (expected e.g. 2026-11-22T17:41:03.125Z)");
  EXPECT_EQ(message_for(R"({"t":1,"data":{}})"), at + "no \"type\" string");
  EXPECT_EQ(message_for("[1,2]"), at + "not valid JSON");
}

TEST_F(DeliveryFiles, missing_files_are_errors) {
  write("history.jsonl", history_lines());
  auto v = judge_files();
  EXPECT_EQ(v.outcome, Outcome::k_error);
  EXPECT_EQ(v.message, "cannot read " + path("ledger.jsonl") + ": No such file or directory");
  std::filesystem::remove(m_dir / "history.jsonl");
  v = judge_files();
  EXPECT_EQ(v.outcome, Outcome::k_error);
  EXPECT_EQ(v.message, "cannot read " + path("history.jsonl") + ": No such file or directory");
  EXPECT_FALSE(std::filesystem::exists(m_dir / "out" / "delivery.json"));
}

TEST_F(DeliveryFiles, a_history_without_publishes_is_an_error) {
  write("history.jsonl", {});
  write("ledger.jsonl", {});
  auto v = judge_files();
  EXPECT_EQ(v.outcome, Outcome::k_error);
  EXPECT_EQ(v.message, "no load.publish event in " + path("history.jsonl") + ": nothing to judge (did a load step "
                       "run?)");
  write("history.jsonl", {event(k_t, "run.begin", "", {}), "", "   "});
  EXPECT_EQ(judge_files().message, v.message);
}

TEST_F(DeliveryFiles, an_empty_ledger_loses_every_accepted_task) {
  write("history.jsonl", {published(uuid(1), k_t), published(uuid(2), k_t + 1, "timeout")});
  write("ledger.jsonl", {});
  const auto v = judge_files();
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "lost 1 of 1 accepted task (expected at most 0): " + uuid(1) + "; all ids in delivery.json");
}

// What an exec step sends (`probe.add` through probe_client.py) is no load's task: not a phantom of a load of
// probe.record. A task the loads publish, never published, is one; so is any task when no load.begin names one.
TEST_F(DeliveryFiles, only_executions_of_the_loads_tasks_can_be_phantoms) {
  const auto begin = event(k_t - 1, "load.begin", "", {{"load", "load-1"}, {"task", "probe.record"}, {"count", 1}});
  write("history.jsonl", {begin, published(uuid(1), k_t)});
  write("ledger.jsonl", {executed(uuid(1), k_t + 0.1), executed("exec-1", k_t + 0.2, "w", false, "probe.add")});
  EXPECT_EQ(judge_files().outcome, Outcome::k_passed) << judge_files().message;

  write("ledger.jsonl", {executed(uuid(1), k_t + 0.1), executed("ghost-1", k_t + 0.2, "w", false, "probe.record")});
  auto v = judge_files();
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "phantom 1 executed task never published (expected at most 0): ghost-1 (w); all ids in "
                       "delivery.json");

  // A history from before load.begin named the task: every unpublished execution is a phantom, as it was.
  write("history.jsonl", {published(uuid(1), k_t)});
  write("ledger.jsonl", {executed(uuid(1), k_t + 0.1), executed("exec-1", k_t + 0.2, "w", false, "probe.add")});
  EXPECT_EQ(judge_files().outcome, Outcome::k_failed);
}

TEST_F(DeliveryFiles, an_unknown_load_is_an_error) {
  write("history.jsonl", history_lines());
  write("ledger.jsonl", ledger_lines());
  DeliveryParams check;
  check.load = "load-9";
  const auto v = judge_files(check);
  EXPECT_EQ(v.outcome, Outcome::k_error);
  EXPECT_EQ(v.message, "no load.publish event of load 'load-9' in " + path("history.jsonl") +
                           " (loads seen: load-1, load-2)");
}

TEST_F(DeliveryFiles, faults_pair_each_end_with_the_earliest_open_start_of_its_service_and_kind) {
  write("history.jsonl", {published(uuid(1), k_t),
                          event(k_t + 1, "fault.start", "worker.1", {{"kind", "pause"}}),
                          event(k_t + 2, "fault.start", "worker.2", {{"kind", "pause"}}),
                          event(k_t + 3, "fault.start", "worker.1", {{"kind", "kill"}}),
                          event(k_t + 4, "fault.end", "worker.2", {{"kind", "pause"}}),
                          event(k_t + 5, "fault.end", "worker.1", {{"kind", "pause"}}),
                          event(k_t + 6, "fault.start", "worker.1", {{"kind", "pause"}}),
                          event(k_t + 7, "fault.end", "broker", {{"kind", "pause"}})});
  write("ledger.jsonl", {executed(uuid(1), k_t + 0.5)});
  DeliveryInput input;
  ASSERT_TRUE(read_history_into(m_dir / "history.jsonl", input));
  ASSERT_EQ(input.faults.size(), 4u);
  const auto window = [&](std::size_t i) {
    const auto& f = input.faults[i];
    return f.kind + " " + f.service + " " + std::to_string(static_cast<int>(f.start - k_t)) + ".." +
           std::to_string(static_cast<int>(f.end - k_t)) + (f.ended ? "" : " (no end)");
  };
  EXPECT_EQ(window(0), "pause worker.1 1..5");
  EXPECT_EQ(window(1), "pause worker.2 2..4");
  EXPECT_EQ(window(2), "kill worker.1 3..3 (no end)");
  EXPECT_EQ(window(3), "pause worker.1 6..6 (no end)");
}

TEST(DeliveryInput, utc_times_parse_to_epoch_seconds) {
  EXPECT_DOUBLE_EQ(parse_utc_time("1970-01-01T00:00:00Z").value(), 0.0);
  EXPECT_DOUBLE_EQ(parse_utc_time("2026-11-22T17:41:03.125Z").value(), 1795369263.125);
  EXPECT_DOUBLE_EQ(parse_utc_time(iso(k_t + 0.25)).value(), k_t + 0.25);
  EXPECT_DOUBLE_EQ(parse_utc_time("2024-02-29T23:59:59.5Z").value(), 1709251199.5);
  for (const char* bad : {"", "yesterday", "2026-11-22 17:41:03Z", "2026-11-22T17:41:03", "2026-02-30T00:00:00Z",
                          "2026-11-22T24:00:00Z", "2026-11-22T17:41:03.Z", "2026-11-22T17:41:03.1xZ"})
    EXPECT_FALSE(parse_utc_time(bad).has_value()) << bad;
}

TEST(DeliveryInput, ledger_ids_join_the_history_ids_across_inputs) {
  DeliveryInput history;
  history.add_publish("job-1", "load-1", PublishOutcome::k_confirmed, k_t);
  history.add_publish(uuid(2), "load-1", PublishOutcome::k_confirmed, k_t);
  DeliveryInput ledger;
  ledger.add_execution("other-0", "w2", k_t);  // interned first in the ledger: index 0, as job-1 in the history
  ledger.add_execution("job-1", "w1", k_t + 0.1);
  ledger.add_execution(uuid(2), "w1", k_t + 0.1);
  history.merge_executions(std::move(ledger));
  const auto a = analyse_delivery(history, "");
  EXPECT_EQ(a.executed, 2u);
  ASSERT_EQ(a.phantom.size(), 1u);
  EXPECT_EQ(history.ids.text(a.phantom[0].publish.id), "other-0");
  EXPECT_EQ(history.workers.name(a.executions_of_offenders[a.phantom[0].first].worker), "w2");
}

}  // namespace
}  // namespace harness::check
