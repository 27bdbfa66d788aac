#pragma once
// Checks on what the broker showed, judged from History events:
//   connections  from `broker.sample` events {queues: {NAME: messages}, connections: {STATE: count}} (or {error})
//                that run/broker_sampler.h records every second while the steps run;
//   queue        from the `queue.sample` events {queue, depth} (or {queue, error}) the runner records while it
//                polls the queue at judge time (run/broker_sampler.h poll_queue_depth): the last one decides.
#include <string>
#include <vector>

#include "harness/check/verdict.h"
#include "harness/history/event.h"
#include "harness/scenario/model.h"

namespace harness::check {

Verdict judge_connections(const scenario::ConnectionsCheck& check, const std::string& name,
                          const std::string& classname, const std::vector<history::Event>& events);

// `samples`: the queue.sample events of this check, oldest first.
Verdict judge_queue(const scenario::QueueCheck& check, const std::string& name, const std::string& classname,
                    const std::vector<history::Event>& samples);

}  // namespace harness::check
