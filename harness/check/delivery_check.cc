#include "harness/check/delivery_check.h"

#include <cstdio>
#include <future>
#include <optional>

#include "harness/check/beat_ticks.h"
#include "harness/check/check_kind.h"
#include "harness/check/delivery_report.h"
#include "harness/scenario/check_syntax.h"
#include "harness/scenario/duration.h"

namespace harness::check {

namespace {
using Op = scenario::CountBound::Op;

constexpr std::size_t k_ids_in_message = 10;

std::string format(const char* pattern, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, pattern, value);
  return buffer;
}
std::string ms(double value) { return format("%.1f ms", value); }
std::string count_of(std::size_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

// "pause broker (12.3s into the load)": which fault, for messages.
std::string fault_label(const FaultWindow& fault, double first_publish) {
  std::string label = fault.kind.empty() ? std::string("fault") : fault.kind;
  if (!fault.service.empty()) label += " " + fault.service;
  const double offset = fault.start - first_publish;
  return label + " (" +
         (offset < 0 ? format("%.1fs before the load", -offset) : format("%.1fs into the load", offset)) + ")";
}

// "worker-1@a + worker-2@a redelivered": an id's executions.
std::string runs_of(const Offender& o, const DeliveryAnalysis& analysis, const DeliveryInput& input) {
  std::string out;
  for (std::uint32_t i = o.first; i < o.first + o.count; ++i) {
    const Execution& run = analysis.executions_of_offenders[i];
    if (i != o.first) out += " + ";
    out += input.workers.name(run.worker);
    if (run.redelivered) out += " redelivered";
  }
  return out;
}

// The first k_ids_in_message ids, then how many more.
template <typename Item, typename Describe>
std::string first_ids(const std::vector<Item>& items, Describe describe) {
  std::string out;
  const std::size_t shown = std::min(items.size(), k_ids_in_message);
  for (std::size_t i = 0; i < shown; ++i) out += (i ? ", " : "") + describe(items[i]);
  if (items.size() > shown) out += ", and " + std::to_string(items.size() - shown) + " more";
  return out;
}

std::string recovery_outcome(const Recovery& r) {
  switch (r.state) {
    case Recovery::State::k_recovered:
      return ms(r.recovery_ms) + (r.by_backlog ? " (backlog done)" : " (throughput back)");
    case Recovery::State::k_not_recovered: return "not recovered";
    case Recovery::State::k_no_baseline: return "n/a (no throughput before the fault)";
  }
  return "?";
}

std::string details_of(const DeliveryAnalysis& a) {
  std::string d;
  d += "load: " + (a.load.empty() ? std::string("every load") : "'" + a.load + "'") + "\n";
  d += "published " + count_of(a.published, "task") + ": " + std::to_string(a.accepted) +
       " accepted (confirmed or sent), " + std::to_string(a.published - a.accepted) + " failed or timed out\n";
  d += "executed " + std::to_string(a.executed) + " of them (" + count_of(a.executions, "execution") +
       "; the ledger has " + std::to_string(a.ledger_executions) + ")\n";
  d += "lost " + std::to_string(a.lost.size()) + ", duplicated " + std::to_string(a.duplicated.size()) +
       ", phantom " + std::to_string(a.phantom.size()) + ", executed although the publish failed " +
       std::to_string(a.executed_although_failed.size()) + "\n";
  if (a.latency.count > 0) {
    d += "latency publish -> start over " + count_of(a.latency.count, "task") + ": p50 " + ms(a.latency.p50_ms) +
         ", p95 " + ms(a.latency.p95_ms) + ", p99 " + ms(a.latency.p99_ms) + ", max " + ms(a.latency.max_ms) + "\n";
  } else {
    d += "latency: no accepted task was executed\n";
  }
  if (!a.throughput.empty()) {
    std::uint32_t peak = 0;
    for (auto n : a.throughput) peak = std::max(peak, n);
    d += "throughput: peak " + std::to_string(peak) + "/s over " + std::to_string(a.throughput.size()) +
         " s from the first publish\n";
  }
  for (const auto& r : a.recoveries) {
    d += "fault " + fault_label(r.fault, a.first_publish) + ", " +
         (r.fault.ended ? format("ended %.1fs later", r.fault.end - r.fault.start) : std::string("no end")) +
         ": baseline " + format("%.1f/s", r.baseline_per_s) + ", recovery " + recovery_outcome(r) + "\n";
  }
  return d;
}
// "tick@1795842927.000 x2 (beat.1, beat.2)": a duplicated tick, for messages.
std::string duplicate_label(const TickDuplicate& d) {
  std::string beats;
  for (std::size_t i = 0; i < d.beats.size(); ++i) beats += (i ? ", " : "") + d.beats[i];
  return tick_label(d.entry, d.tick) + " x" + std::to_string(d.executions) + (beats.empty() ? "" : " (" + beats + ")");
}
}  // namespace

std::vector<std::string> tick_failures(const DeliveryParams& check, const TickAnalysis& a) {
  std::vector<std::string> failures;
  const auto bound_check = [&](const std::optional<scenario::CountBound>& set, std::size_t n, std::string what,
                               auto list) {
    const auto bound = set.value_or(k_none_allowed);
    if (holds(bound, static_cast<std::int64_t>(n))) return;
    what += " (expected " + expectation(bound) + ")";
    if (n > 0) what += ": " + list();
    failures.push_back(std::move(what));
  };
  bound_check(check.tick_duplicates, a.duplicates.size(),
              "tick duplicates " + std::to_string(a.duplicates.size()) + " of " + count_of(a.ticks, "tick"),
              [&] { return first_ids(a.duplicates, duplicate_label); });
  bound_check(check.missed_ticks, a.missed.size(),
              "missed ticks " + std::to_string(a.missed.size()) + " of " + count_of(a.ticks, "tick"), [&] {
                return first_ids(a.missed, [](const auto& m) { return tick_label(m.first, m.second); });
              });
  return failures;
}

std::string tick_summary(const TickAnalysis& a) {
  return count_of(a.ticks, "tick") + " (" + count_of(a.sends, "send") + ", " + count_of(a.executions, "execution") +
         "), tick duplicates " + std::to_string(a.duplicates.size()) + ", missed ticks " +
         std::to_string(a.missed.size());
}

namespace {
// The tick judgement of `check` from the files, joined into `v` (a verdict on the loads, or a fresh one when the check
// judges only ticks). An error when the files cannot be read or hold no tick.
void judge_ticks_into(Verdict& v, const DeliveryParams& check, const std::filesystem::path& history_path,
                      const std::filesystem::path& ledger_path) {
  auto input = read_ticks(history_path, ledger_path);
  if (!input) {
    v.outcome = Outcome::k_error;
    v.message = input.error().message();
    return;
  }
  if (input->sends.empty() && input->executions.empty()) {
    v.outcome = Outcome::k_error;
    v.message = "no beat.sent event in " + history_path.string() +
                " and no execution with a tick: no tick to judge (did a celery-beat service send?)";
    return;
  }
  const TickAnalysis analysis = analyse_ticks(input->sends, input->executions);
  v.details += "beat: " + tick_summary(analysis) + "\n";
  const auto failures = tick_failures(check, analysis);
  if (v.outcome == Outcome::k_error) return;
  const bool fresh = check.judges_only_ticks();
  if (failures.empty()) {
    if (fresh) v.outcome = Outcome::k_passed;
    v.message += (v.message.empty() ? "" : "; ") + tick_summary(analysis);
    return;
  }
  const bool was_failed = v.outcome == Outcome::k_failed && !fresh;
  v.outcome = Outcome::k_failed;
  std::string joined;
  for (std::size_t i = 0; i < failures.size(); ++i) joined += (i ? "; " : "") + failures[i];
  v.message = was_failed ? v.message + "; " + joined : joined;
}
}  // namespace

bool holds(const scenario::CountBound& bound, std::int64_t count) {
  switch (bound.op) {
    case Op::k_eq: return count == bound.value;
    case Op::k_le: return count <= bound.value;
    case Op::k_lt: return count < bound.value;
    case Op::k_ge: return count >= bound.value;
    case Op::k_gt: return count > bound.value;
  }
  return false;
}

std::string expectation(const scenario::CountBound& bound) {
  const std::string n = std::to_string(bound.value);
  switch (bound.op) {
    case Op::k_eq: return "exactly " + n;
    case Op::k_le: return "at most " + n;
    case Op::k_lt: return "fewer than " + n;
    case Op::k_ge: return "at least " + n;
    case Op::k_gt: return "more than " + n;
  }
  return n;
}

Verdict delivery_verdict(const DeliveryParams& check, const std::string& name, const std::string& classname,
                         const DeliveryAnalysis& a, const DeliveryInput& input, const std::string& report_name) {
  Verdict v;
  v.name = name;
  v.classname = classname;
  v.details = details_of(a);
  const auto id = [&](TaskKey key) { return input.ids.text(key); };
  const auto with_runs = [&](const Offender& o) { return id(o.publish.id) + " (" + runs_of(o, a, input) + ")"; };

  if (!check.accepted && a.accepted == 0) {
    // Nothing lost of nothing accepted proves nothing: unless the scenario says so, this is not a pass.
    v.outcome = Outcome::k_error;
    v.message = "no accepted task to judge: " + std::to_string(a.published) +
                " published, none confirmed or sent (say accepted: 0 if that is expected)";
    return v;
  }
  std::vector<std::string> failures;
  bool listed = false;
  const auto count_check = [&](const std::optional<scenario::CountBound>& set, std::size_t n, std::string what,
                               auto list) {
    const auto bound = set.value_or(k_none_allowed);
    if (holds(bound, static_cast<std::int64_t>(n))) return;
    what += " (expected " + expectation(bound) + ")";
    if (n > 0) {
      what += ": " + list();
      listed = true;
    }
    failures.push_back(std::move(what));
  };
  if (check.accepted && !holds(*check.accepted, static_cast<std::int64_t>(a.accepted)))
    failures.push_back("accepted " + std::to_string(a.accepted) + " of " + count_of(a.published, "published task") +
                       " (expected " + expectation(*check.accepted) + ")");
  count_check(check.lost, a.lost.size(),
              "lost " + std::to_string(a.lost.size()) + " of " + count_of(a.accepted, "accepted task"),
              [&] { return first_ids(a.lost, [&](const Publish& p) { return id(p.id); }); });
  count_check(check.duplicated, a.duplicated.size(),
              "duplicated " + std::to_string(a.duplicated.size()) + " of " + count_of(a.executed, "executed task"),
              [&] { return first_ids(a.duplicated, with_runs); });
  count_check(check.phantom, a.phantom.size(),
              "phantom " + count_of(a.phantom.size(), "executed task") + " never published",
              [&] { return first_ids(a.phantom, with_runs); });

  const std::pair<const char*, const std::optional<scenario::Millis>*> latencies[] = {
      {"p50", &check.latency_p50},
      {"p95", &check.latency_p95},
      {"p99", &check.latency_p99},
      {"max", &check.latency_max}};
  const double values[] = {a.latency.p50_ms, a.latency.p95_ms, a.latency.p99_ms, a.latency.max_ms};
  for (std::size_t i = 0; i < 4; ++i) {
    const auto& bound = *latencies[i].second;
    if (!bound) continue;
    const std::string expected = " (expected at most " + scenario::format_duration(*bound) + ")";
    if (a.latency.count == 0)
      failures.push_back(std::string("latency ") + latencies[i].first + " not measured: no accepted task was executed" +
                         expected);
    else if (values[i] > static_cast<double>(bound->count()))
      failures.push_back(std::string("latency ") + latencies[i].first + " " + ms(values[i]) + expected);
  }
  if (check.publish_took) {
    const auto& longest = a.longest_publish;
    const std::string expected = " (expected " + format_bound(*check.publish_took) + ")";
    if (longest.took_s < 0)
      failures.push_back("longest publish call not measured: no publish said how long it took" + expected);
    else if (!holds(*check.publish_took, longest.took_s))
      failures.push_back("longest publish call " + ms(longest.took_s * 1000.0) + " (" + id(longest.id) + ")" +
                         expected);
  }
  if (check.recovery) {
    for (const auto& r : a.recoveries) {
      const bool late = r.state == Recovery::State::k_recovered &&
                        r.recovery_ms > static_cast<double>(check.recovery->count());
      if (late || r.state == Recovery::State::k_not_recovered)
        failures.push_back("recovery after " + fault_label(r.fault, a.first_publish) + ": " +
                           (late ? ms(r.recovery_ms) : std::string("not recovered")) + " (expected at most " +
                           scenario::format_duration(*check.recovery) + ")");
    }
  }

  if (!failures.empty()) {
    v.outcome = Outcome::k_failed;
    for (std::size_t i = 0; i < failures.size(); ++i) v.message += (i ? "; " : "") + failures[i];
    if (listed) v.message += "; all ids in " + report_name;
    return v;
  }
  v.outcome = Outcome::k_passed;
  v.message = "accepted " + std::to_string(a.accepted) + ", executed " + std::to_string(a.executed) + ", lost " +
              std::to_string(a.lost.size()) + ", duplicated " + std::to_string(a.duplicated.size()) + ", phantom " +
              std::to_string(a.phantom.size()) +
              (a.latency.count > 0 ? ", latency p99 " + ms(a.latency.p99_ms) : std::string());
  if (check.publish_took)
    v.message += ", longest publish call " + ms(a.longest_publish.took_s * 1000.0);
  if (!a.executed_although_failed.empty())
    v.message += ", " + std::to_string(a.executed_although_failed.size()) + " executed although the publish failed";
  for (const auto& r : a.recoveries)
    v.message += "; recovery after " + fault_label(r.fault, a.first_publish) + ": " + recovery_outcome(r);
  return v;
}

Verdict judge_delivery(const DeliveryParams& check, const std::string& name, const std::string& classname,
                       const std::filesystem::path& history_path, const std::filesystem::path& ledger_path,
                       const std::filesystem::path& report_path) {
  const auto error = [&](std::string message) {
    Verdict v;
    v.name = name;
    v.classname = classname;
    v.outcome = Outcome::k_error;
    v.message = std::move(message);
    return v;
  };
  if (check.judges_only_ticks()) {
    Verdict v;
    v.name = name;
    v.classname = classname;
    judge_ticks_into(v, check, history_path, ledger_path);
    return v;
  }
  // The two files are independent: read (and sort) the ledger on a second thread, then join its ids into the
  // history's. Sorted here, both sides are only checked by analyse_delivery.
  DeliveryInput input;
  auto ledger = std::async(std::launch::async, [&ledger_path] {
    DeliveryInput executions;
    util::Status status = read_ledger_into(ledger_path, executions);
    sort_by_id(executions.executions);
    return std::make_pair(std::move(status), std::move(executions));
  });
  const util::Status history_status = read_history_into(history_path, input);
  sort_by_id(input.publishes);
  auto [ledger_status, executions] = ledger.get();
  if (!history_status) return error(history_status.message());
  if (!ledger_status) return error(ledger_status.message());
  input.merge_executions(std::move(executions));

  if (input.publishes.empty())
    return error("no load.publish event in " + history_path.string() + ": nothing to judge (did a load step run?)");
  DeliveryAnalysis analysis = analyse_delivery(input, check.load);
  if (analysis.published == 0) {
    std::string seen;
    for (std::uint32_t i = 0; i < input.loads.size(); ++i) seen += (i ? ", " : "") + input.loads.name(i);
    return error("no load.publish event of load '" + check.load + "' in " + history_path.string() +
                 " (loads seen: " + seen + ")");
  }

  Verdict v = delivery_verdict(check, name, classname, analysis, input, report_path.filename().string());
  v.details = "history: " + history_path.string() + (input.history_truncated ? " (truncated last line ignored)" : "") +
              "\nledger: " + ledger_path.string() + (input.ledger_truncated ? " (truncated last line ignored)" : "") +
              "\n" + v.details + "report: " + report_path.string() + "\n";
  if (auto written = write_delivery_report(report_path, analysis, input, v); !written) {
    v.message += " (" + written.message() + ")";
    v.details += written.message() + "\n";
  }
  if (check.judges_ticks()) judge_ticks_into(v, check, history_path, ledger_path);
  return v;
}

// The kind, registered.
namespace {
using namespace harness::scenario;

const std::vector<std::string_view> k_delivery_keys{"load",        "accepted",    "lost",
                                                    "duplicated",  "phantom",     "latency_p50",
                                                    "latency_p95", "latency_p99", "latency_max",
                                                    "recovery",    "publish_took", "tick_duplicates",
                                                    "missed_ticks"};

// `delivery: {load, accepted, lost, duplicated, phantom, latency_p50/p95/p99/max, recovery}`; `delivery: {}` is every
// default (nothing lost, duplicated or phantom, over every load).
std::optional<DeliveryParams> read_delivery(YamlReader& reader, const MapEntry& entry) {
  auto map = read_map(reader, entry,
                      "'delivery' must be a map of bounds (load, accepted, lost, duplicated, phantom, latency_p50, "
                      "latency_p95, latency_p99, latency_max, recovery, publish_took, tick_duplicates, "
                      "missed_ticks; {} for the defaults)",
                      k_delivery_keys, "delivery check");
  if (!map) return std::nullopt;
  DeliveryParams delivery;
  bool ok = true;
  if (const MapEntry* e = map->find("load")) assign_or_fail(read_nonempty_string(reader, *e), delivery.load, ok);
  const std::pair<std::string_view, std::optional<CountBound>*> counts[] = {
      {"accepted", &delivery.accepted}, {"lost", &delivery.lost}, {"duplicated", &delivery.duplicated},
      {"phantom", &delivery.phantom}, {"tick_duplicates", &delivery.tick_duplicates},
      {"missed_ticks", &delivery.missed_ticks}};
  for (const auto& [key, field] : counts)
    if (const MapEntry* e = map->find(key)) assign_or_fail(read_count_bound(reader, *e), *field, ok);
  const std::pair<std::string_view, std::optional<Millis>*> durations[] = {
      {"latency_p50", &delivery.latency_p50}, {"latency_p95", &delivery.latency_p95},
      {"latency_p99", &delivery.latency_p99}, {"latency_max", &delivery.latency_max},
      {"recovery", &delivery.recovery}};
  for (const auto& [key, field] : durations)
    if (const MapEntry* e = map->find(key)) assign_or_fail(read_duration(reader, *e), *field, ok);
  if (const MapEntry* e = map->find("publish_took"))
    assign_or_fail(read_duration_bound(reader, *e), delivery.publish_took, ok);
  if (!ok) return std::nullopt;
  return delivery;
}

std::string delivery_name(const KindParams& params) {
  const auto& delivery = params_as<DeliveryParams>(params);
  std::string name = "delivery";
  const CountBound none{};
  const std::string tick_bounds = "tick_duplicates " + format_bound(delivery.tick_duplicates.value_or(none)) +
                                  ", missed_ticks " + format_bound(delivery.missed_ticks.value_or(none));
  if (delivery.judges_only_ticks()) return name + " " + tick_bounds;
  if (!delivery.load.empty()) name += " " + delivery.load;
  if (delivery.accepted) name += " accepted " + format_bound(*delivery.accepted) + ",";
  name += " lost " + format_bound(delivery.lost.value_or(none)) + ", duplicated " +
          format_bound(delivery.duplicated.value_or(none)) + ", phantom " +
          format_bound(delivery.phantom.value_or(none));
  const std::pair<const char*, const std::optional<Millis>*> durations[] = {
      {"latency_p50", &delivery.latency_p50}, {"latency_p95", &delivery.latency_p95},
      {"latency_p99", &delivery.latency_p99}, {"latency_max", &delivery.latency_max},
      {"recovery", &delivery.recovery}};
  for (const auto& [key, field] : durations)
    if (*field) name += std::string(", ") + key + " <= " + format_duration(**field);
  if (delivery.publish_took) name += ", publish_took " + check::format_bound(*delivery.publish_took);
  if (delivery.judges_ticks()) name += ", " + tick_bounds;
  return name;
}


// One report per delivery check: delivery.json, then delivery-2.json, ...
Verdict judge_delivery_check(const Check& check, const std::string& classname, JudgeContext& context) {
  return judge_delivery(params_of<DeliveryParams>(check), check.name, classname, context.run_dir / "history.jsonl",
                        context.run_dir / "ledger.jsonl", context.next_report("delivery"));
}

const bool k_delivery_registered = add_kind({
    .name = "delivery",
    .listed_at = 5,
    .keys = k_delivery_keys,
    .summary = "every accepted task ran exactly once (bounds on lost, duplicated, phantom), latency percentiles, "
               "recovery after faults, how long a publish call took",
    .read = [](YamlReader& reader, const MapEntry& entry, const std::vector<Service>*) {
      return as_params(read_delivery(reader, entry));
    },
    .generated_name = delivery_name,
}, {
    .judge = judge_delivery_check,
});
}  // namespace

}  // namespace harness::check
