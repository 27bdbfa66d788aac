#pragma once
// `connections` check: judged from the `broker.sample` events {queues: {NAME: messages}, connections: {STATE:
// count}} (or {error}) that run/broker_sampler.h records every second while the steps run, for every broker a
// check of this kind names (the kind's sampled_broker).
#include <string>
#include <vector>

#include "harness/check/verdict.h"
#include "harness/history/event.h"
#include "harness/scenario/kind_params.h"

namespace harness::check {

// `connections`: judged from the `broker.sample` events the harness records every second while the steps run
// (connection states from the management API, whose statistics are collected every second here).
//   {broker, state: blocked}          some sample had at least `min` (default 1) connections in that state
//   {broker, never: blocked}          no sample had any
struct ConnectionsParams : scenario::KindParams {
  std::string broker;
  std::string state;               // RabbitMQ's: running, blocked, blocking, flow, closed, ...
  std::string never;
  int min = 1;
};

Verdict judge_connections(const ConnectionsParams& check, const std::string& name,
                          const std::string& classname, const std::vector<history::Event>& events);

}  // namespace harness::check
