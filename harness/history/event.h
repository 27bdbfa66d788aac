#pragma once
// One observation of a run. The History (history/history.h) is an append-only list of these, written as JSON lines;
// checks read only the History, so a run can be re-judged from its files.
#include <string>

#include <nlohmann/json.hpp>

namespace harness::history {

struct Event {
  double t = 0.0;         // seconds since the run started (monotonic)
  std::string time;       // wall-clock UTC, ISO 8601 with milliseconds and Z: 2026-11-22T17:41:03.125Z
  std::string type;       // dotted: service.started, service.ready, service.exited, step.begin, step.end,
                          // exec.result, check.verdict, run.begin, run.end, fault.start, fault.end, ...
  std::string service;    // empty when not about one service (replica names look like "worker.1")
  nlohmann::json data = nlohmann::json::object();
};

}  // namespace harness::history
