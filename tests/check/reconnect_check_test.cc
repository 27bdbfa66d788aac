// The reconnect check on hand-made histories, with the exact message.
#include "harness/check/reconnect_check.h"

#include <gtest/gtest.h>

#include "tests/check/instance_history_test_util.h"

namespace {
using harness::check::Outcome;
using harness::check::testing::ev;
using namespace std::chrono_literals;

harness::check::ReconnectParams worker_to_broker(harness::scenario::Millis within) {
  harness::check::ReconnectParams params;
  params.service = "worker";
  params.to = "broker";
  params.within = within;
  return params;
}

// Two workers connected through the proxy, a blackhole on the broker at 10 s; worker.1 reconnects at 25 s,
// worker.2 at `second_at` (never when negative).
std::vector<harness::history::Event> blackhole_history(double second_at) {
  std::vector<harness::history::Event> history = {
      ev(1.0, "net.connect", "broker", {{"client", "worker.1"}, {"connection", 1}}),
      ev(1.1, "net.connect", "broker", {{"client", "worker.2"}, {"connection", 2}}),
      ev(10.0, "fault.start", "broker", {{"kind", "blackhole"}}),
      ev(24.9, "net.close", "broker", {{"client", "worker.1"}, {"connection", 1}, {"closed_by", "client"}}),
      ev(25.0, "net.connect", "broker", {{"client", "worker.1"}, {"connection", 3}}),
  };
  if (second_at >= 0) history.push_back(ev(second_at, "net.connect", "broker", {{"client", "worker.2"}, {"connection", 4}}));
  return history;
}

TEST(ReconnectCheck, passes_when_every_instance_reconnects_within_the_bound) {
  const auto v = harness::check::judge_reconnect(worker_to_broker(30s), "r", "s.reconnect", blackhole_history(30.0));
  EXPECT_EQ(v.outcome, Outcome::k_passed);
  EXPECT_EQ(v.message, "every 'worker' instance reconnected to 'broker' within 30s of the fault at 10 s");
}

TEST(ReconnectCheck, fails_for_an_instance_that_never_reconnects) {
  const auto v = harness::check::judge_reconnect(worker_to_broker(30s), "r", "s.reconnect", blackhole_history(-1));
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "worker.2 did not reconnect (expected within 30s of the fault at 10 s)");
}

TEST(ReconnectCheck, fails_for_an_instance_that_reconnects_too_late) {
  const auto v = harness::check::judge_reconnect(worker_to_broker(10s), "r", "s.reconnect", blackhole_history(30.0));
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "worker.1 reconnected after 15 s; worker.2 reconnected after 20 s (expected within 10s of the "
                       "fault at 10 s)");
}

TEST(ReconnectCheck, counts_only_the_client_a_fault_from_one_client_reached) {
  auto history = blackhole_history(-1);
  history[2].data["from"] = "worker.1";
  const auto v = harness::check::judge_reconnect(worker_to_broker(30s), "r", "s.reconnect", history);
  EXPECT_EQ(v.outcome, Outcome::k_passed);
  EXPECT_EQ(v.details, "worker.1 reconnected at 25 s, 15 s after the fault\n");
}

TEST(ReconnectCheck, counts_only_the_clients_a_partition_cut) {
  auto history = blackhole_history(-1);
  history[2].data = {{"kind", "partition"}, {"clients", {"worker.1"}}};
  auto v = harness::check::judge_reconnect(worker_to_broker(30s), "r", "s.reconnect", history);
  EXPECT_EQ(v.outcome, Outcome::k_passed);
  EXPECT_EQ(v.details, "worker.1 reconnected at 25 s, 15 s after the fault\n");
  history[2].data["clients"] = {"worker.1", "worker.2"};
  v = harness::check::judge_reconnect(worker_to_broker(30s), "r", "s.reconnect", history);
  EXPECT_EQ(v.outcome, Outcome::k_failed);
  EXPECT_EQ(v.message, "worker.2 did not reconnect (expected within 30s of the fault at 10 s)");
}

TEST(ReconnectCheck, is_an_error_without_a_fault_or_without_proxied_connections) {
  const std::vector<harness::history::Event> no_fault = {
      ev(1.0, "net.connect", "broker", {{"client", "worker.1"}, {"connection", 1}})};
  auto v = harness::check::judge_reconnect(worker_to_broker(30s), "r", "s.reconnect", no_fault);
  EXPECT_EQ(v.outcome, Outcome::k_error);
  EXPECT_EQ(v.message, "no fault on 'broker' to measure the reconnection from");
  const std::vector<harness::history::Event> not_proxied = {ev(10.0, "fault.start", "broker", {{"kind", "kill"}})};
  v = harness::check::judge_reconnect(worker_to_broker(30s), "r", "s.reconnect", not_proxied);
  EXPECT_EQ(v.outcome, Outcome::k_error);
  EXPECT_EQ(v.message, "no connection of 'worker' to 'broker' through the fault proxy (is 'broker' proxied?)");
}

}  // namespace
