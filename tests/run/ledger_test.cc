// The Ledger: what it copies from the executions list, which task ids it knows, and how it reads on after a
// failure, with the ledger Redis faked at its LedgerSource seam.
#include "harness/run/ledger.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "harness/stack/run_control.h"
#include "harness/util/clock.h"
#include "tests/process/process_test_util.h"

namespace harness::run {
namespace {

// The executions list in memory; each range() is noted, and a scripted failure is returned once.
struct FakeList {
  std::vector<std::string> entries;
  std::vector<std::pair<long long, long long>> reads;
  std::optional<util::Status> fail_next;
};

class FakeLedgerSource final : public LedgerSource {
public:
  explicit FakeLedgerSource(FakeList& list) : m_list(list) {}
  util::Expected<std::vector<std::string>> range(long long start, long long stop) override {
    m_list.reads.emplace_back(start, stop);
    if (m_list.fail_next) {
      auto failure = *m_list.fail_next;
      m_list.fail_next.reset();
      return failure;
    }
    std::vector<std::string> out;
    for (long long i = start; i <= stop && i < static_cast<long long>(m_list.entries.size()); ++i)
      out.push_back(m_list.entries[static_cast<std::size_t>(i)]);
    return out;
  }

private:
  FakeList& m_list;
};

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class LedgerTest : public ::testing::Test {
protected:
  LedgerTest() { std::filesystem::create_directories(m_dir.path()); }
  Ledger make() { return Ledger(std::make_unique<FakeLedgerSource>(m_list), m_dir.path() / "ledger.jsonl"); }
  process_test::TempPath m_dir{"ledger"};
  FakeList m_list;
};

TEST_F(LedgerTest, poll_copies_new_entries_verbatim_and_knows_their_task_ids) {
  Ledger ledger = make();
  m_list.entries = {R"({"task_id":"a","worker":"w1"})", R"({"task_id":"b"})"};
  ASSERT_TRUE(ledger.poll());
  EXPECT_TRUE(ledger.executed("a"));
  EXPECT_TRUE(ledger.executed("b"));
  EXPECT_FALSE(ledger.executed("c"));
  EXPECT_EQ(ledger.executions(), 2u);

  m_list.entries.push_back(R"({"task_id":"c"})");
  ASSERT_TRUE(ledger.poll());
  EXPECT_TRUE(ledger.executed("c"));
  EXPECT_EQ(ledger.executions(), 3u);
  EXPECT_EQ(read_file(ledger.path()), R"({"task_id":"a","worker":"w1"})" "\n" R"({"task_id":"b"})" "\n"
                                      R"({"task_id":"c"})" "\n");
  // Each poll reads on from where the last stopped.
  EXPECT_EQ(m_list.reads, (std::vector<std::pair<long long, long long>>{{0, Ledger::k_batch - 1},
                                                                       {2, Ledger::k_batch + 1}}));
}

TEST_F(LedgerTest, entries_without_a_task_id_are_copied_but_name_no_task) {
  Ledger ledger = make();
  m_list.entries = {"not json", R"({"task_id":7})", R"(["task_id","x"])"};
  ASSERT_TRUE(ledger.poll());
  EXPECT_EQ(ledger.executions(), 3u);
  EXPECT_FALSE(ledger.executed("x"));
  EXPECT_EQ(read_file(ledger.path()), "not json\n" R"({"task_id":7})" "\n" R"(["task_id","x"])" "\n");
}

TEST_F(LedgerTest, a_full_batch_is_followed_by_another_read) {
  Ledger ledger = make();
  for (long long i = 0; i < Ledger::k_batch + 5; ++i)
    m_list.entries.push_back(R"({"task_id":"t)" + std::to_string(i) + R"("})");
  ASSERT_TRUE(ledger.poll());
  EXPECT_EQ(ledger.executions(), static_cast<std::size_t>(Ledger::k_batch + 5));
  EXPECT_TRUE(ledger.executed("t" + std::to_string(Ledger::k_batch + 4)));
  ASSERT_EQ(m_list.reads.size(), 2u);
  EXPECT_EQ(m_list.reads[1].first, Ledger::k_batch);
}

TEST_F(LedgerTest, failed_read_is_the_sources_error_and_the_next_poll_reads_on) {
  Ledger ledger = make();
  m_list.entries = {R"({"task_id":"a"})"};
  m_list.fail_next = util::Status::infrastructure("ledger Redis: Connection refused");
  const auto status = ledger.poll();
  ASSERT_FALSE(status);
  EXPECT_EQ(status.message(), "ledger Redis: Connection refused");
  EXPECT_FALSE(ledger.executed("a"));
  ASSERT_TRUE(ledger.poll());
  EXPECT_TRUE(ledger.executed("a"));
  EXPECT_EQ(read_file(ledger.path()), R"({"task_id":"a"})" "\n");
}

TEST_F(LedgerTest, unwritable_copy_is_an_infrastructure_error) {
  Ledger ledger(std::make_unique<FakeLedgerSource>(m_list), m_dir.path() / "missing" / "ledger.jsonl");
  const auto status = ledger.poll();
  ASSERT_FALSE(status);
  EXPECT_EQ(status.kind(), util::ErrorKind::k_infrastructure);
  EXPECT_EQ(status.message(), "cannot write the ledger copy " + (m_dir.path() / "missing" / "ledger.jsonl").string());
  EXPECT_TRUE(m_list.reads.empty());
}

TEST(RedisLedgerSourceTest, unreachable_redis_names_the_ledger) {
  RedisLedgerSource source(1, "");
  auto entries = source.range(0, 9);
  ASSERT_FALSE(entries);
  EXPECT_EQ(entries.error().message().rfind("ledger Redis: ", 0), 0u) << entries.error().message();
}

// wait: {executed: N}: returns once the ledger holds N executions; says how many there were when it times out.
TEST_F(LedgerTest, wait_executions_returns_once_the_ledger_holds_enough_and_says_how_many_on_timeout) {
  util::RealClock clock;  // the wait sleeps between polls
  stack::RunControl control{clock, std::chrono::minutes{1}};
  Ledger ledger = make();
  m_list.entries = {R"({"task_id":"a"})", R"({"task_id":"b"})"};
  EXPECT_EQ(wait_executions(ledger, 2, std::chrono::seconds{5}, control), "");
  EXPECT_EQ(wait_executions(ledger, 3, std::chrono::milliseconds{200}, control),
            "2 task executions after 0.2 s (expected at least 3)");
  m_list.fail_next = util::Status::infrastructure("ledger down");
  EXPECT_EQ(wait_executions(ledger, 3, std::chrono::seconds{5}, control), "ledger down");
}

}  // namespace
}  // namespace harness::run
