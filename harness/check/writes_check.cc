#include "harness/check/writes_check.h"

#include <sstream>

#include "harness/check/check_kind.h"
#include "harness/check/delivery_check.h"
#include "harness/history/event_type.h"
#include "harness/scenario/check_syntax.h"

namespace harness::check {

namespace {
// The `writes` object of `line` when it is `{"writes": {... "prefix": PREFIX ...}}`.
std::optional<nlohmann::json> writes_of(const std::string& line, const std::string& prefix) {
  if (line.find("\"writes\"") == std::string::npos) return std::nullopt;
  auto parsed = nlohmann::json::parse(line, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object() || !parsed.contains("writes")) return std::nullopt;
  const auto& writes = parsed["writes"];
  if (!writes.is_object() || writes.value("prefix", std::string{}) != prefix) return std::nullopt;
  return writes;
}
}  // namespace

std::optional<nlohmann::json> last_writes_report(const std::vector<history::Event>& history,
                                                 const std::string& prefix) {
  std::optional<nlohmann::json> last;
  for (const auto& e : history) {
    if (!history::is(e, history::EventType::k_exec_result)) continue;
    std::istringstream output(e.data.value("output", std::string{}));
    for (std::string line; std::getline(output, line);)
      if (auto writes = writes_of(line, prefix)) last = std::move(writes);
  }
  return last;
}

Verdict judge_writes(const WritesParams& check, const std::string& name, const std::string& classname,
                     const std::vector<history::Event>& history) {
  Verdict v;
  v.name = name;
  v.classname = classname;
  const auto report = last_writes_report(history, check.prefix);
  if (!report) {
    v.outcome = Outcome::k_error;
    v.message = "no exec step printed a writes report for prefix '" + check.prefix + "': nothing to judge";
    return v;
  }
  const std::pair<const char*, const std::optional<scenario::CountBound>*> bounds[] = {
      {"acknowledged", &check.acknowledged}, {"failed", &check.failed}, {"lost", &check.lost}};
  std::string failures;
  std::string counts;
  for (const auto& [key, bound] : bounds) {
    const std::int64_t count = report->value(key, std::int64_t{0});
    counts += std::string(counts.empty() ? "" : ", ") + key + " " + std::to_string(count);
    if (*bound && !holds(**bound, count))
      failures += std::string(failures.empty() ? "" : "; ") + key + " " + std::to_string(count) + " (expected " +
                  expectation(**bound) + ")";
  }
  v.outcome = failures.empty() ? Outcome::k_passed : Outcome::k_failed;
  v.message = "'" + check.prefix + "': " + (failures.empty() ? counts : failures);
  v.details = report->dump() + "\n";
  return v;
}

// The kind, registered.
namespace {
using namespace harness::scenario;

const std::vector<std::string_view> k_writes_keys{"prefix", "acknowledged", "failed", "lost"};

std::optional<WritesParams> read_writes(YamlReader& reader, const MapEntry& entry, const std::vector<Service>*) {
  const std::string context = "writes check";
  auto map = read_map(reader, entry, "'writes' must be a map with 'prefix' and bounds (acknowledged, failed, lost)",
                      k_writes_keys, context);
  if (!map) return std::nullopt;
  WritesParams writes;
  bool ok = true;
  if (const MapEntry* prefix = map->require(reader, "prefix", context)) {
    assign_or_fail(read_nonempty_string(reader, *prefix), writes.prefix, ok);
  } else {
    ok = false;
  }
  for (auto [key, bound] : {std::pair{"acknowledged", &writes.acknowledged}, std::pair{"failed", &writes.failed},
                            std::pair{"lost", &writes.lost}})
    if (const MapEntry* e = map->find(key)) assign_or_fail(read_count_bound(reader, *e), *bound, ok);
  if (!ok) return std::nullopt;
  return writes;
}

std::string writes_name(const KindParams& params) {
  const auto& writes = params_as<WritesParams>(params);
  std::string name = "writes " + writes.prefix;
  if (writes.lost) name += " lost " + format_bound(*writes.lost);
  return name;
}

const bool k_writes_registered = add_kind({
    .name = "writes",
    .listed_at = 11,
    .keys = k_writes_keys,
    .summary = "a writer's acknowledged, refused and lost writes (the JSON line of fixtures/celery/redis_writes.py "
               "verify in an exec step's output): acknowledged, failed, lost",
    .read = params_reader<read_writes>,
    .generated_name = writes_name,
}, {
    .judge = [](const Check& check, const std::string& classname, JudgeContext& context) {
      return judge_writes(params_of<WritesParams>(check), check.name, classname, context.history.events());
    },
});
}  // namespace

}  // namespace harness::check
