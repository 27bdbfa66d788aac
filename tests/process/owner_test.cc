#include "harness/process/owner.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <map>

namespace {
using harness::process::judge_owner;
using harness::process::Owner;
using harness::process::OwnerState;
using harness::process::Place;
using harness::process::ProcStat;

const std::string k_boot = "b9ef837d-8d8b-44df-8fda-f2a2c8833699";
const Place k_here{4026531836, k_boot};

// A /proc of here's namespace holding exactly `processes` (pid -> stat).
auto proc_with(std::map<pid_t, ProcStat> processes) {
  return [processes = std::move(processes)](pid_t pid) -> std::optional<ProcStat> {
    const auto it = processes.find(pid);
    if (it == processes.end()) return std::nullopt;
    return it->second;
  };
}

ProcStat running_since(std::uint64_t start_time) {
  ProcStat stat;
  stat.state = 'S';
  stat.start_time = start_time;
  return stat;
}

TEST(Owner, mark_round_trips_through_its_text) {
  const Owner owner{1234, 987654, k_here};
  EXPECT_EQ(owner.to_string(), "1234:987654:4026531836:" + k_boot);
  const auto parsed = Owner::parse(owner.to_string());
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->pid, 1234);
  EXPECT_EQ(parsed->start_time, 987654u);
  EXPECT_EQ(parsed->place, k_here);
}

TEST(Owner, parse_rejects_the_old_mark_and_anything_malformed) {
  EXPECT_FALSE(Owner::parse("1234:987654"));  // the old mark: no namespace, no boot
  EXPECT_FALSE(Owner::parse("1234:987654:4026531836"));
  EXPECT_FALSE(Owner::parse("1234:987654:4026531836:not-a-boot-id"));
  EXPECT_FALSE(Owner::parse("x:987654:4026531836:" + k_boot));
  EXPECT_FALSE(Owner::parse("0:987654:4026531836:" + k_boot));
  EXPECT_FALSE(Owner::parse("-5:987654:4026531836:" + k_boot));
  EXPECT_FALSE(Owner::parse("1234:987654:4026531836:" + k_boot + ":extra"));
  EXPECT_FALSE(Owner::parse(""));
}

TEST(Owner, this_place_is_this_processs_namespace_and_boot) {
  const auto here = harness::process::this_place();
  ASSERT_TRUE(here.has_value()) << "the tests run with a /proc of their own PID namespace";
  EXPECT_EQ(harness::process::pid_namespace_of(::getpid()), here->pid_namespace);
  EXPECT_EQ(here->boot_id.size(), 36u);
}

TEST(Owner, an_owner_here_is_alive_only_while_its_pid_has_its_start_time) {
  const std::string mark = Owner{1234, 500, k_here}.to_string();
  EXPECT_EQ(judge_owner(mark, k_here, proc_with({{1234, running_since(500)}})).state, OwnerState::k_alive);
  EXPECT_EQ(judge_owner(mark, k_here, proc_with({})).state, OwnerState::k_dead);
  // The pid was reused by a process started at another time.
  EXPECT_EQ(judge_owner(mark, k_here, proc_with({{1234, running_since(777)}})).state, OwnerState::k_dead);
  ProcStat zombie = running_since(500);
  zombie.state = 'Z';
  EXPECT_EQ(judge_owner(mark, k_here, proc_with({{1234, zombie}})).state, OwnerState::k_dead);
}

TEST(Owner, an_owner_elsewhere_is_never_dead) {
  // Its pid is not in this /proc: dead, were it judged here. It is not: the mark says it lives elsewhere.
  const auto nothing = proc_with({});
  auto verdict = judge_owner(Owner{1, 500, Place{4026532178, k_boot}}.to_string(), k_here, nothing);
  EXPECT_EQ(verdict.state, OwnerState::k_unprovable);
  EXPECT_EQ(verdict.reason, "another PID namespace (pid:[4026532178])");

  const std::string other_boot = "00000000-1111-2222-3333-444444444444";
  verdict = judge_owner(Owner{1234, 500, Place{k_here.pid_namespace, other_boot}}.to_string(), k_here, nothing);
  EXPECT_EQ(verdict.state, OwnerState::k_unprovable);
  EXPECT_EQ(verdict.reason, "another boot (" + other_boot + ")");

  verdict = judge_owner("1234:500", k_here, nothing);
  EXPECT_EQ(verdict.state, OwnerState::k_unprovable);
  EXPECT_EQ(verdict.reason, "an old mark, without PID namespace and boot id");

  verdict = judge_owner(Owner{1234, 500, k_here}.to_string(), std::nullopt, nothing);
  EXPECT_EQ(verdict.state, OwnerState::k_unprovable);
  EXPECT_EQ(verdict.reason, "this harness cannot tell its own PID namespace from /proc");
}

}  // namespace
