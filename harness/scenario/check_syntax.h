#pragma once
// The check kinds the scenario reader knows: a table scenario/ owns and each check kind fills from its own file
// in check/ (check::add_kind registers it here and in check::registry() at once), so scenario/ never includes
// check/. read_checks() dispatches through it; its known kinds and did-you-mean messages come from it.
//
// Also the reading helpers several check kinds share (a check's `service:` or `broker:`, count bounds).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario/kind_params.h"
#include "harness/scenario/model.h"
#include "harness/scenario/yaml_reader.h"
#include "harness/util/registry.h"

namespace harness::scenario {

struct CheckSyntax {
  std::string_view name;                 // the kind key: "log"
  // Where the kind stands when kinds are listed in messages ("expected one of: log, exec, ..."): the order they
  // were documented in, which the messages keep.
  int listed_at = 0;
  std::vector<std::string_view> keys;    // the keys of the kind's map, as messages list them
  std::string_view summary;              // one line, for `celery-chaos kinds`
  // Reads the kind's entry (`log: {...}`), reporting every problem; nullptr after reporting. `services`: as
  // read_checks.
  std::shared_ptr<const KindParams> (*read)(YamlReader& reader, const MapEntry& entry,
                                            const std::vector<Service>* services) = nullptr;
  // The name a check of this kind gets without `name:` (see generated_check_name).
  std::string (*generated_name)(const KindParams& params) = nullptr;
};

// Every check kind, by name.
util::Registry<CheckSyntax>& check_syntaxes();
// The kind names in the order messages list them (CheckSyntax::listed_at).
std::vector<std::string_view> listed_check_kinds();

// The required `service:` of a check (any kind), resolved; nullptr after reporting (or when services are unknown).
const Service* read_check_service(YamlReader& reader, const MapView& map, const std::vector<Service>* services,
                                  const std::string& context, std::string& field, bool& ok);
// The required `broker:` of a check: a rabbitmq service. False after reporting.
bool read_check_broker(YamlReader& reader, const MapView& map, const std::vector<Service>* services,
                       const std::string& context, std::string& field);

// "==3", "<= 5", ">0", or a plain number (at most): a CountBound. nullopt for anything else.
std::optional<CountBound> parse_count_bound(std::string_view text);
// A count bound value, reported when malformed or impossible ("<0").
std::optional<CountBound> read_count_bound(YamlReader& reader, const MapEntry& entry);
// "<= 0": a bound as check names show it.
std::string format_bound(const CountBound& bound);

}  // namespace harness::scenario
