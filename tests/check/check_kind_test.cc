// The check registry: one registration per kind fills both tables, and the runner's one call judges any kind.
#include "harness/check/check_kind.h"

#include <gtest/gtest.h>

#include "harness/check/connections_check.h"
#include "harness/scenario/check_syntax.h"
#include "harness/util/clock.h"

namespace harness::check {
namespace {

TEST(CheckRegistry, every_kind_the_scenario_reader_knows_can_be_judged) {
  ASSERT_FALSE(registry().all().empty());
  EXPECT_EQ(registry().names(), scenario::check_syntaxes().names());
  for (const auto& kind : registry().all()) EXPECT_NE(kind.judge, nullptr) << kind.name;
}

TEST(CheckRegistry, add_kind_names_the_judging_after_its_syntax) {
  // The judging half carries no name, keys or reader of its own: they are the syntax's, written once.
  for (const auto& kind : registry().all()) {
    const auto* syntax = scenario::check_syntaxes().find(kind.name);
    ASSERT_NE(syntax, nullptr) << kind.name;
    EXPECT_EQ(syntax->name.data(), kind.name.data()) << kind.name;  // the same characters, not a copy
  }
}

TEST(CheckRegistry, messages_list_the_kinds_in_their_documented_order) {
  const std::vector<std::string_view> expected{"log",  "exec",     "health", "restarts",
                                               "exit", "delivery", "queue",  "connections",
                                               "reconnect", "monitor", "stuck", "writes", "rollout"};
  EXPECT_EQ(scenario::listed_check_kinds(), expected);
}

TEST(CheckRegistry, only_the_connections_check_needs_broker_samples) {
  ConnectionsParams connections;
  connections.broker = "rabbit";
  for (const auto& kind : registry().all()) {
    if (kind.name == "connections") {
      ASSERT_NE(kind.sampled_broker, nullptr);
      EXPECT_EQ(kind.sampled_broker(connections), "rabbit");
    } else {
      EXPECT_EQ(kind.sampled_broker, nullptr) << kind.name;
    }
  }
}

TEST(CheckJudge, names_the_verdict_after_the_check_and_its_class_after_the_kind) {
  util::ManualClock clock;
  history::History history(clock, "/nonexistent/history.jsonl");
  auto params = std::make_shared<ConnectionsParams>();
  params->broker = "broker";
  params->never = "blocked";
  const scenario::Check check{"no blocking", "connections", params, {}};
  JudgeContext context{.scenario = "alarm", .history = history};
  const Verdict verdict = judge(check, context);
  EXPECT_EQ(verdict.name, "no blocking");
  EXPECT_EQ(verdict.classname, "alarm.connections");
  EXPECT_EQ(verdict.outcome, Outcome::k_error);  // no broker.sample at all: nothing to judge
}

TEST(CheckJudge, an_unregistered_kind_is_an_error) {
  util::ManualClock clock;
  history::History history(clock, "/nonexistent/history.jsonl");
  JudgeContext context{.scenario = "s", .history = history};
  const Verdict verdict = judge(scenario::Check{"c", "nonesuch", nullptr, {}}, context);
  EXPECT_EQ(verdict.outcome, Outcome::k_error);
  EXPECT_EQ(verdict.message, "unknown check kind 'nonesuch'");
}

TEST(JudgeContext, numbers_reports_per_stem) {
  util::ManualClock clock;
  history::History history(clock, "/nonexistent/history.jsonl");
  JudgeContext context{.scenario = "s", .history = history, .run_dir = "/run"};
  EXPECT_EQ(context.next_report("delivery"), "/run/delivery.json");
  EXPECT_EQ(context.next_report("delivery"), "/run/delivery-2.json");
  EXPECT_EQ(context.next_report("other", ".txt"), "/run/other.txt");
}

}  // namespace
}  // namespace harness::check
