#pragma once
// `reconnect` check: judged only from the History (net.connect through the fault proxy, fault.start), so a
// finished run can be re-judged from its files.
#include <string>
#include <vector>

#include "harness/check/verdict.h"
#include "harness/history/event.h"
#include "harness/scenario/kind_params.h"
#include "harness/scenario/model.h"

namespace harness::check {

// `reconnect: {service: worker, to: broker, within: 30s}`: every instance of `service` that was connected to `to`
// through the fault proxy, and that the fault reached, opens a new connection to it within `within` of the first
// fault on `to` (fault.start whose service is `to` or one of its instances; a network fault `from: worker.1`
// reaches worker.1 only). An instance with no new connection, or a later one, fails it;
// no fault on `to`, or no connection of `service` to it through the proxy (`to` not proxied), is an error.
struct ReconnectParams : scenario::KindParams {
  std::string service;
  std::string to;
  scenario::Millis within{30'000};
};

Verdict judge_reconnect(const ReconnectParams& spec, const std::string& name, const std::string& classname,
                        const std::vector<history::Event>& history);

}  // namespace harness::check
