#pragma once
// celery beat's ticks, as the delivery check judges them (its `tick_duplicates` and `missed_ticks`). A tick is the
// time slot a schedule entry is sent for (fixtures/celery/celery_chaos_beat.py): for `every: P` the slot
// floor(t / P) * P in epoch milliseconds (the harness's `every` is aligned to multiples of P, so beats started at
// different moments send in the same slots), for a crontab the minute. Each send is a beat.sent event
// {entry, tick, period_ms, beat, task_id} in history.jsonl, and each execution of a sent task has `beat_entry` and
// `tick` in ledger.jsonl (the probe task reads them from the message headers).
//   tick duplicate  an (entry, tick) executed more than once: what two beats sending the same entry do
//   missed tick     for an entry with a period, a tick between the first and the last one observed (sent or
//                   executed) with neither a send nor an execution: what a beat down for a while does
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "harness/util/status.h"

namespace harness::check {

struct TickSend {
  std::string entry;
  std::int64_t tick = 0;                 // epoch ms
  std::optional<std::int64_t> period_ms;  // none for a crontab
  std::string beat;                      // the instance that sent it
};

struct TickExecution {
  std::string entry;
  std::int64_t tick = 0;
  std::string task_id;
  std::string worker;
};

struct TickDuplicate {
  std::string entry;
  std::int64_t tick = 0;
  std::size_t executions = 0;
  std::vector<std::string> beats;  // the instances that sent it for that tick, sorted, once each
};

struct TickAnalysis {
  std::size_t sends = 0;
  std::size_t executions = 0;
  std::size_t ticks = 0;                    // distinct (entry, tick) sent or executed
  std::vector<TickDuplicate> duplicates;    // by entry, then tick
  std::vector<std::pair<std::string, std::int64_t>> missed;  // (entry, tick), by entry, then tick
};

// Pure: the ticks of `sends` and `executions`.
TickAnalysis analyse_ticks(const std::vector<TickSend>& sends, const std::vector<TickExecution>& executions);

struct TickInput {
  std::vector<TickSend> sends;
  std::vector<TickExecution> executions;
};
// The beat.sent events of `history` and the executions with a tick of `ledger`. k_invalid naming the file and line
// of a line that is not JSON ("history.jsonl line 3: not a JSON object"); a missing ledger is no execution.
util::Expected<TickInput> read_ticks(const std::filesystem::path& history, const std::filesystem::path& ledger);

// "tick@1795842927.000": a tick for messages.
std::string tick_label(const std::string& entry, std::int64_t tick);

}  // namespace harness::check
