#include "harness/check/broker_checks.h"

#include <algorithm>
#include <map>
#include <sstream>

#include "harness/check/delivery_check.h"

namespace harness::check {

namespace {
std::string seconds(double s) {
  std::ostringstream out;
  out.precision(3);
  out << s << " s";
  return out.str();
}
}  // namespace

Verdict judge_connections(const scenario::ConnectionsCheck& check, const std::string& name,
                          const std::string& classname, const std::vector<history::Event>& events) {
  Verdict verdict{name, classname, Outcome::k_passed, {}, {}, {}};
  const std::string& state = check.never.empty() ? check.state : check.never;
  int samples = 0;
  int errors = 0;
  int most = 0;
  double most_at = 0;
  std::map<std::string, int> seen;  // every state seen: the most connections in it at once
  for (const auto& e : events) {
    if (e.type != "broker.sample" || e.service != check.broker) continue;
    if (!e.data.contains("connections")) {
      ++errors;
      continue;
    }
    ++samples;
    for (const auto& [s, count] : e.data["connections"].items()) {
      const int n = count.get<int>();
      seen[s] = std::max(seen[s], n);
      if (s == state && n > most) {
        most = n;
        most_at = e.t;
      }
    }
  }
  std::string states;
  for (const auto& [s, n] : seen) states += (states.empty() ? "" : ", ") + s + " (up to " + std::to_string(n) + ")";
  const std::string observed = std::to_string(samples) + " samples of broker '" + check.broker + "'" +
                               (errors ? " (" + std::to_string(errors) + " unanswered)" : std::string()) +
                               ", states seen: " + (states.empty() ? "none" : states);
  if (samples == 0) {
    verdict.outcome = Outcome::k_error;
    verdict.message = "no broker.sample of '" + check.broker + "' to judge (the harness samples RabbitMQ while the "
                      "steps run when a connections check or a broker fault is present)";
    return verdict;
  }
  if (!check.never.empty()) {
    if (seen.empty()) {
      // No client was connected in any sample: no connection could have been in any state.
      verdict.outcome = Outcome::k_error;
      verdict.message = "no connection to broker '" + check.broker + "' in any sample: 'never " + state +
                        "' has nothing to judge; " + observed;
      return verdict;
    }
    if (most > 0) {
      verdict.outcome = Outcome::k_failed;
      verdict.message = std::to_string(most) + " connection(s) " + state + " at " + seconds(most_at) +
                        " (expected never " + state + "); " + observed;
    } else {
      verdict.message = "never " + state + "; " + observed;
    }
    return verdict;
  }
  if (most >= check.min) {
    verdict.message = std::to_string(most) + " connection(s) " + state + " at " + seconds(most_at) + "; " +
                      observed;
  } else {
    verdict.outcome = Outcome::k_failed;
    verdict.message = "expected at least " + std::to_string(check.min) + " connection(s) " + state + " in a sample, " +
                      "saw at most " + std::to_string(most) + "; " + observed;
  }
  return verdict;
}

Verdict judge_queue(const scenario::QueueCheck& check, const std::string& name, const std::string& classname,
                    const std::vector<history::Event>& samples) {
  Verdict verdict{name, classname, Outcome::k_passed, {}, {}, {}};
  const auto last = std::find_if(samples.rbegin(), samples.rend(),
                                 [](const history::Event& e) { return e.data.contains("depth"); });
  if (last == samples.rend()) {
    verdict.outcome = Outcome::k_error;
    verdict.message = "queue '" + check.name + "' of broker '" + check.broker + "' could not be read" +
                      (samples.empty() ? std::string() : ": " + samples.back().data.value("error", std::string()));
    return verdict;
  }
  if (!last->data.value("exists", true)) {
    // The management API answers 404 for a queue nobody declared: its "depth 0" is not an empty queue.
    verdict.outcome = Outcome::k_error;
    verdict.message = "queue '" + check.name + "' does not exist on broker '" + check.broker +
                      "' (HTTP 404 after " + std::to_string(samples.size()) +
                      " reading(s)): a missing queue has no depth to judge";
    return verdict;
  }
  const std::int64_t depth = last->data["depth"].get<std::int64_t>();
  std::string history;
  for (const auto& e : samples)
    if (e.data.contains("depth")) history += (history.empty() ? "" : ", ") + std::to_string(e.data["depth"].get<long>());
  verdict.details = "depths read: " + history;
  const std::string seen = "queue '" + check.name + "' depth " + std::to_string(depth) + " (expected " +
                           expectation(check.depth) + ")";
  if (holds(check.depth, depth)) {
    verdict.message = seen + " after " + std::to_string(samples.size()) + " reading(s)";
  } else {
    verdict.outcome = Outcome::k_failed;
    verdict.message = seen + (check.within ? " still after " + seconds(check.within->count() / 1000.0)
                                           : std::string()) +
                      "; depths read: " + history;
  }
  return verdict;
}

}  // namespace harness::check
