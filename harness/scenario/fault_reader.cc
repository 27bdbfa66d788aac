#include "harness/scenario/fault_reader.h"

#include <signal.h>

#include <string>

#include "harness/scenario/fault_syntax.h"
#include "harness/scenario/service_reader.h"
#include "harness/scenario/step_syntax.h"

namespace harness::scenario {

namespace {

// The catalogue's kinds not written yet: named as such, and suggested for a misspelling.
const std::vector<std::string_view> k_future_faults{"restart", "exec"};

constexpr int k_max_signal = 64;  // Linux: SIGRTMAX

struct SignalName {
  std::string_view name;  // without "SIG"
  int number;
};
// clang-format off
const std::vector<SignalName> k_signals{
    {"HUP", SIGHUP},   {"INT", SIGINT},     {"QUIT", SIGQUIT},     {"ILL", SIGILL},   {"TRAP", SIGTRAP},
    {"ABRT", SIGABRT}, {"BUS", SIGBUS},     {"FPE", SIGFPE},       {"KILL", SIGKILL}, {"USR1", SIGUSR1},
    {"SEGV", SIGSEGV}, {"USR2", SIGUSR2},   {"PIPE", SIGPIPE},     {"ALRM", SIGALRM}, {"TERM", SIGTERM},
    {"CHLD", SIGCHLD}, {"CONT", SIGCONT},   {"STOP", SIGSTOP},     {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN},
    {"TTOU", SIGTTOU}, {"URG", SIGURG},     {"XCPU", SIGXCPU},     {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM},
    {"PROF", SIGPROF}, {"WINCH", SIGWINCH}, {"SYS", SIGSYS},
#ifdef SIGIO
    {"IO", SIGIO},
#endif
#ifdef SIGPWR
    {"PWR", SIGPWR},
#endif
};
// clang-format on

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

const Service* find_service(const std::vector<Service>& services, std::string_view name) {
  for (const auto& service : services)
    if (service.name == name) return &service;
  return nullptr;
}

}  // namespace

std::optional<int> read_signal(YamlReader& reader, const MapEntry& entry) {
  if (entry.value.IsScalar())
    if (auto signal = parse_signal(entry.value.Scalar())) return signal;
  const std::string& text = entry.value.IsScalar() ? entry.value.Scalar() : std::string();
  const std::size_t digits = text.starts_with('-') || text.starts_with('+') ? 1 : 0;
  const bool number = text.size() > digits && text.find_first_not_of("0123456789", digits) == std::string::npos;
  if (!entry.value.IsScalar() || number || text.empty()) {
    reader.error(entry.location, "'signal' must be a signal name (e.g. KILL, TERM) or a number from 1 to " +
                                     std::to_string(k_max_signal) + ", got " + describe(entry.value));
    return std::nullopt;
  }
  std::vector<std::string_view> names;
  for (const auto& signal : k_signals) names.push_back(signal.name);
  std::string bare = upper(text);
  if (bare.starts_with("SIG")) bare.erase(0, 3);
  std::string message = "unknown signal " + quote(truncate(text));
  if (auto suggestion = closest_match(bare, names))
    message += " (did you mean " + quote(*suggestion) + "?)";
  else
    message += " (expected a name such as KILL, TERM, INT or STOP, or a number from 1 to " +
               std::to_string(k_max_signal) + ")";
  reader.error(entry.location, std::move(message));
  return std::nullopt;
}

bool check_target(YamlReader& reader, const std::vector<Service>& services, const std::string& name,
                  const SourceLocation& at, const std::string& referrer) {
  const std::size_t dot = name.rfind('.');
  const Service* service = dot == std::string::npos ? nullptr : find_service(services, name.substr(0, dot));
  if (service) {  // an instance; service names have no dots, so NAME.N is never a service itself
    if (service->kind != ServiceKind::k_celery_worker && service->kind != ServiceKind::k_celery_beat) {
      reader.error(at, referrer + " refers to instance " + quote(name) + ", but " + quote(service->name) + " is a " +
                           to_string(service->kind) +
                           " service (only celery-worker and celery-beat services have numbered instances)");
      return false;
    }
    const std::string number = name.substr(dot + 1);
    const bool valid = !number.empty() && number.size() <= 9 && number.front() != '0' &&
                       number.find_first_not_of("0123456789") == std::string::npos &&
                       std::stoi(number) <= service->replicas;
    if (!valid) {
      std::string expected = service->name + ".1";
      if (service->replicas > 1) expected += " to " + service->name + "." + std::to_string(service->replicas);
      reader.error(at, referrer + " refers to instance " + quote(name) + ", but service " + quote(service->name) +
                           " has " + std::to_string(service->replicas) +
                           (service->replicas == 1 ? " replica" : " replicas") + " (expected " + expected + ")");
      return false;
    }
  } else {
    service = resolve_service(reader, services, name, at, referrer);
    if (!service) return false;
  }
  if (service->role == "ledger") {
    reader.error(at, referrer + " targets service " + quote(service->name) +
                         ", which has role 'ledger' (the harness's own record is never faulted)");
    return false;
  }
  return true;
}

std::optional<int> parse_signal(std::string_view text) {
  if (!text.empty() && text.size() <= 2 && text.find_first_not_of("0123456789") == std::string_view::npos) {
    const int number = std::stoi(std::string(text));
    if (number >= 1 && number <= k_max_signal) return number;
    return std::nullopt;
  }
  std::string name = upper(text);
  if (name.starts_with("SIG")) name.erase(0, 3);
  for (const auto& signal : k_signals)
    if (signal.name == name) return signal.number;
  return std::nullopt;
}

bool read_instance_target(YamlReader& reader, const MapEntry& entry, const std::vector<Service>* services,
                          const std::vector<std::string_view>& keys, const std::string& shape, FaultStep& fault,
                          std::optional<MapView>& map) {
  const std::string context = entry.key + " fault";
  const MapEntry* target = &entry;  // the scalar shorthand names the service itself
  if (entry.value.IsMap()) {
    map.emplace(reader, entry.value);
    map->report_unknown_keys(reader, keys, context);
    target = map->require(reader, "service", context);
  } else if (!entry.value.IsScalar()) {
    reader.error(entry.location,
                 quote(entry.key) + " must be a service name or a map with " + shape + ", got " + describe(entry.value));
    return false;
  }
  if (!target) return false;
  auto name = read_nonempty_string(reader, *target);
  if (!name) return false;
  fault.service = *name;
  return !services || check_target(reader, *services, *name, target->location, context);
}

bool read_replica(YamlReader& reader, const MapEntry& entry, const std::vector<Service>* services, bool ok,
                  const std::string& context, FaultStep& fault) {
  const bool random = entry.value.IsScalar() && entry.value.Scalar() == "random";
  std::optional<std::int64_t> replica;
  if (!random && !(replica = read_int(reader, entry, 1))) return false;
  if (!ok) return false;
  if (fault.service.find('.') != std::string::npos) {
    reader.error(entry.key_location, context + " has 'replica' and an instance in 'service' " + quote(fault.service) +
                                         " (expected one of the two)");
    return false;
  }
  if (random) {
    fault.random_replica = true;
    return true;
  }
  const std::string instance = fault.service + "." + std::to_string(*replica);
  if (services && !check_target(reader, *services, instance, entry.location, context)) return false;
  fault.service = instance;
  return true;
}

bool read_broker(YamlReader& reader, const MapView& map, const std::vector<Service>* services,
                 const std::string& context, FaultStep& fault) {
  bool ok = true;
  read_service_of_kind(reader, map, "broker", services, ServiceKind::k_rabbitmq, context, fault.service, ok);
  return ok;
}

const Service* read_data_service(YamlReader& reader, const MapView& map, const std::vector<Service>* services,
                                 ServiceKind kind, const std::string& context, FaultStep& fault, bool& ok) {
  const Service* service = read_service_of_kind(reader, map, "service", services, kind, context, fault.service, ok);
  if (service && service->role == "ledger") {
    reader.error(map.find("service")->location, context + " targets service " + quote(service->name) +
                                                    ", which has role 'ledger' (the harness's own record is never "
                                                    "faulted)");
    ok = false;
    return nullptr;
  }
  return service;
}

std::optional<FaultStep> read_service_fault(YamlReader& reader, const MapEntry& entry,
                                            const std::vector<Service>* services, ServiceKind kind) {
  return read_service_fault(reader, entry, services, kind, {}, nullptr);
}

std::optional<FaultStep> read_service_fault(YamlReader& reader, const MapEntry& entry,
                                            const std::vector<Service>* services, ServiceKind kind,
                                            const std::vector<std::string_view>& optional_keys,
                                            const ReadOptional& read_optional) {
  const std::string context = entry.key + " fault";
  std::vector<std::string_view> keys{"service"};
  keys.insert(keys.end(), optional_keys.begin(), optional_keys.end());
  std::string shape = quote(entry.key) + " must be a map with 'service'";
  for (size_t i = 0; i < optional_keys.size(); ++i)
    shape += (i == 0 ? " and optionally " : ", ") + quote(std::string(optional_keys[i]));
  auto map = read_map(reader, entry, shape, keys, context);
  if (!map) return std::nullopt;
  FaultStep fault;
  bool ok = true;
  read_data_service(reader, *map, services, kind, context, fault, ok);
  if (read_optional) read_optional(*map, fault, ok);
  if (!ok) return std::nullopt;
  return fault;
}

std::optional<FaultStep> read_fault(YamlReader& reader, const MapEntry& entry, const std::vector<Service>* services,
                                    const MapEntry* for_entry) {
  if (!entry.value.IsMap()) {
    reader.error(entry.location,
                 "'fault' must be a map with one fault (e.g. {kill: {service: worker}}), got " + describe(entry.value));
    return std::nullopt;
  }
  const KindKeys keys{"fault", "kind", fault_syntax().names(), {}, k_future_faults, KindNaming::k_catalogue};
  MapView map(reader, entry.value);
  const MapEntry* kind = find_kind_entry(reader, map, keys);
  if (!kind) return std::nullopt;
  const FaultSyntax* syntax = fault_syntax().find(kind->key);  // found: find_kind_entry accepts registered kinds only
  bool ok = true;
  if (for_entry && syntax->no_inverse) {
    reader.error(for_entry->key_location,
                 "'for' does not apply to fault " + quote(kind->key) + " (" + std::string(syntax->no_inverse) + ")");
    ok = false;
  }
  std::optional<FaultStep> fault = syntax->read(reader, *kind, services);
  if (!ok || !fault) return std::nullopt;
  fault->kind = kind->key;
  return fault;
}

namespace {

std::shared_ptr<const KindParams> read_fault_step(YamlReader& reader, const MapEntry& entry,
                                                  const StepContext& context) {
  auto fault = read_fault(reader, entry, context.services, context.for_entry);
  if (!fault) return nullptr;
  return std::make_shared<const FaultStep>(std::move(*fault));
}

// The fault step; runs in run/fault_step.cc.
const bool k_registered = step_syntaxes().add({.name = "fault",
                                               .listed_at = 3,
                                               .keys = {},
                                               .summary = "one fault of the catalogue, {KIND: {...}} (the faults "
                                                          "below); with `for:` cleared after that long",
                                               .takes_for = true,
                                               .read = read_fault_step});

}  // namespace

std::optional<FaultStep> read_instance_fault(YamlReader& reader, const MapEntry& entry,
                                             const std::vector<Service>* services,
                                             const std::vector<std::string_view>& keys, const std::string& context) {
  FaultStep fault;
  std::optional<MapView> map;
  bool ok = read_instance_target(reader, entry, services, keys, "'service'", fault, map);
  if (map)
    if (const auto* e = map->find("replica")) ok = read_replica(reader, *e, services, ok, context, fault);
  if (!ok) return std::nullopt;
  return fault;
}

}  // namespace harness::scenario
