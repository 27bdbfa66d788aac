#include "harness/scenario/healthcheck_reader.h"

#include <string>
#include <vector>

namespace harness::scenario {

namespace {

// Compose's healthcheck keys (Docker's rules) and a Kubernetes probe's (the kubelet's); one healthcheck uses one set.
const std::vector<std::string_view> k_compose_keys{"test",           "interval", "timeout", "start_period",
                                                   "start_interval", "retries",  "disable"};
const std::vector<std::string_view> k_kubernetes_keys{"exec",           "periodSeconds",    "timeoutSeconds",
                                                      "failureThreshold", "successThreshold", "initialDelaySeconds"};
const std::vector<std::string_view> k_healthcheck_keys = [] {
  std::vector<std::string_view> keys = k_compose_keys;
  keys.insert(keys.end(), k_kubernetes_keys.begin(), k_kubernetes_keys.end());
  return keys;
}();

// Compose key and the Kubernetes key that sets the same field.
struct Synonym {
  std::string_view compose;
  std::string_view kubernetes;
};
constexpr Synonym k_synonyms[] = {{"test", "exec"},
                                  {"interval", "periodSeconds"},
                                  {"timeout", "timeoutSeconds"},
                                  {"retries", "failureThreshold"},
                                  {"start_period", "initialDelaySeconds"}};

// `test:` as Compose has it: ["CMD", argv...], ["CMD-SHELL", "command"], ["NONE"], or a string (CMD-SHELL).
std::optional<std::vector<std::string>> read_test(YamlReader& reader, const MapEntry& entry) {
  if (entry.value.IsScalar()) {
    if (entry.value.Scalar().empty()) {
      reader.error(entry.location, "'test' must not be empty (expected e.g. [\"CMD-SHELL\", \"command\"])");
      return std::nullopt;
    }
    return std::vector<std::string>{"CMD-SHELL", entry.value.Scalar()};
  }
  auto test = read_string_list(reader, entry);
  if (!test) return std::nullopt;
  if (test->empty()) {
    reader.error(entry.location, "'test' must not be empty (expected e.g. [\"CMD-SHELL\", \"command\"])");
    return std::nullopt;
  }
  const std::string& type = test->front();
  if (type == "CMD" && test->size() < 2) {
    reader.error(entry.location, "healthcheck test 'CMD' needs a program (and arguments) after it");
  } else if (type == "CMD-SHELL" && test->size() != 2) {
    reader.error(entry.location, "healthcheck test 'CMD-SHELL' takes exactly one shell command after it");
  } else if (type == "NONE" && test->size() != 1) {
    reader.error(entry.location, "healthcheck test 'NONE' takes nothing after it");
  } else if (type != "CMD" && type != "CMD-SHELL" && type != "NONE") {
    reader.error(entry.location, "invalid healthcheck test type " + quote(type) +
                                     " (expected CMD, CMD-SHELL or NONE as the first entry, or a shell command "
                                     "string)");
  } else {
    return test;
  }
  return std::nullopt;
}

// Kubernetes `exec: {command: [program, args...]}` -> ["CMD", program, args...].
std::optional<std::vector<std::string>> read_exec(YamlReader& reader, const MapEntry& entry) {
  if (!entry.value.IsMap()) {
    reader.error(entry.location,
                 "'exec' must be a map with 'command' (a list: program and arguments), got " + describe(entry.value));
    return std::nullopt;
  }
  MapView exec(reader, entry.value);
  exec.report_unknown_keys(reader, {"command"}, "healthcheck 'exec'");
  const MapEntry* command = exec.require(reader, "command", "healthcheck 'exec'");
  if (!command) return std::nullopt;
  auto argv = read_string_list(reader, *command);
  if (!argv) return std::nullopt;
  if (argv->empty()) {
    reader.error(command->location, "'command' must not be empty (expected a program and its arguments)");
    return std::nullopt;
  }
  argv->insert(argv->begin(), "CMD");
  return argv;
}

// Reports each Compose key written together with its Kubernetes synonym (the later of the two); false if any.
bool report_synonyms_set_twice(YamlReader& reader, const MapView& map) {
  bool ok = true;
  for (const auto& synonym : k_synonyms) {
    const MapEntry* a = map.find(synonym.compose);
    const MapEntry* b = map.find(synonym.kubernetes);
    if (a && b) {
      const MapEntry* later = is_before(a->key_location, b->key_location) ? b : a;
      reader.error(later->key_location, quote(synonym.compose) + " (Compose) and " + quote(synonym.kubernetes) +
                                            " (Kubernetes) set the same thing (expected only one of them)");
      ok = false;
    }
  }
  return ok;
}

// Reads every field present, Compose or Kubernetes, into `check`, in a fixed order (that of the errors); false if
// any value is bad (reported). Leaves `check.test` empty when neither `test`, `exec` nor `disable: true` set it.
bool read_healthcheck_fields(YamlReader& reader, const MapView& map, HealthCheck& check) {
  bool ok = true;
  // Reads one optional field; a bad value marks the whole healthcheck bad.
  const auto field = [&](std::string_view key, auto read, auto store) {
    if (const MapEntry* e = map.find(key)) {
      if (auto value = read(*e))
        store(*value);
      else
        ok = false;
    }
  };
  const auto seconds = [&](std::int64_t min) {
    return [&reader, min](const MapEntry& e) -> std::optional<Millis> {
      auto value = read_int(reader, e, min);
      if (!value) return std::nullopt;
      return std::chrono::seconds{*value};
    };
  };
  const auto duration = [&](DurationRule rule) {
    return [&reader, rule](const MapEntry& e) { return read_duration(reader, e, rule); };
  };
  const auto count = [&](const MapEntry& e) -> std::optional<int> {
    auto value = read_int(reader, e, 1);
    if (!value) return std::nullopt;
    return static_cast<int>(*value);
  };
  const auto set_test = [&](std::vector<std::string> test) { check.test = std::move(test); };

  field(
      "test", [&](const MapEntry& e) { return read_test(reader, e); }, set_test);
  field(
      "exec", [&](const MapEntry& e) { return read_exec(reader, e); }, set_test);
  field("interval", duration(DurationRule::k_positive), [&](Millis v) { check.interval = v; });
  field("periodSeconds", seconds(1), [&](Millis v) { check.interval = v; });
  field("timeout", duration(DurationRule::k_positive), [&](Millis v) { check.timeout = v; });
  field("timeoutSeconds", seconds(1), [&](Millis v) { check.timeout = v; });
  field("start_period", duration(DurationRule::k_any), [&](Millis v) { check.start_period = v; });
  field("initialDelaySeconds", seconds(0), [&](Millis v) { check.start_period = v; });
  field("start_interval", duration(DurationRule::k_positive), [&](Millis v) { check.start_interval = v; });
  field("retries", count, [&](int v) { check.retries = v; });
  field("failureThreshold", count, [&](int v) { check.retries = v; });
  field("successThreshold", count, [&](int v) { check.success_threshold = v; });
  field(
      "disable", [&](const MapEntry& e) { return read_bool(reader, e); },
      [&](bool disable) {
        if (disable) set_test({"NONE"});
      });
  return ok;
}

// The first-written (by location) of `keys` present in `map`; nullptr if none is.
const MapEntry* first_written_of(const MapView& map, const std::vector<std::string_view>& keys) {
  const MapEntry* first = nullptr;
  for (const auto key : keys) {
    const MapEntry* e = map.find(key);
    if (e && (!first || is_before(e->key_location, first->key_location))) first = e;
  }
  return first;
}

// Reports a Compose key and a Kubernetes key in one healthcheck, at the later one: Docker and the kubelet time
// probes differently, so one healthcheck is one or the other.
void report_compose_mixed_with_kubernetes(YamlReader& reader, const MapEntry& compose, const MapEntry& kubernetes) {
  const bool compose_first = is_before(compose.key_location, kubernetes.key_location);
  const MapEntry& later = compose_first ? kubernetes : compose;
  const MapEntry& earlier = compose_first ? compose : kubernetes;
  const auto kind = [&](const MapEntry& e) { return &e == &compose ? " (Compose)" : " (Kubernetes)"; };
  reader.error(later.key_location, quote(later.key) + kind(later) + " cannot be mixed with " + quote(earlier.key) +
                                       kind(earlier) +
                                       " in one healthcheck: Docker and the kubelet time probes differently "
                                       "(expected Compose keys or Kubernetes probe keys)");
}

}  // namespace

std::optional<HealthCheck> read_healthcheck(YamlReader& reader, const MapEntry& entry, std::string_view service) {
  if (!entry.value.IsMap()) {
    reader.error(entry.location, "'healthcheck' must be a map of Compose healthcheck or Kubernetes probe keys, got " +
                                     describe(entry.value));
    return std::nullopt;
  }
  const std::string context = "healthcheck of service " + quote(service);
  MapView map(reader, entry.value);
  map.report_unknown_keys(reader, k_healthcheck_keys, context);

  bool ok = report_synonyms_set_twice(reader, map);
  HealthCheck check;
  check.location = entry.key_location;
  ok = read_healthcheck_fields(reader, map, check) && ok;

  // Kubernetes probe keys make it a liveness probe, judged by the kubelet's rules (health/health_state.h), with
  // Kubernetes' defaults (period 10s, timeout 1s); Compose keys, Docker's. One healthcheck is one or the other
  // (reported only when the fields themselves are good).
  const MapEntry* compose = first_written_of(map, k_compose_keys);
  const MapEntry* kubernetes = first_written_of(map, k_kubernetes_keys);
  if (compose && kubernetes && ok) {
    report_compose_mixed_with_kubernetes(reader, *compose, *kubernetes);
    ok = false;
  }
  if (kubernetes) {
    check.kubernetes = true;
    if (!map.find("periodSeconds")) check.interval = std::chrono::seconds{10};
    if (!map.find("timeoutSeconds")) check.timeout = std::chrono::seconds{1};
  }

  // A test that failed to read was reported already; only a test that is not there at all is reported here.
  if (check.test.empty() && !map.find("test") && !map.find("exec")) {
    reader.error(check.location, context + " needs 'test' (Compose) or 'exec' (Kubernetes)");
    ok = false;
  }
  if (!ok) return std::nullopt;
  return check;
}

}  // namespace harness::scenario
