#include "harness/scenario/loader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <map>
#include <regex>
#include <set>

#include <yaml-cpp/yaml.h>

#include "harness/scenario/check_reader.h"
#include "harness/scenario/queue_reader.h"
#include "harness/scenario/service_reader.h"
#include "harness/scenario/step_reader.h"
#include "harness/scenario/yaml_reader.h"

namespace harness::scenario {

namespace {

const std::vector<std::string_view> k_scenario_keys{"name",   "description", "tags",  "timeout", "seed",
                                                    "python", "services",    "steps", "checks",  "expect", "when",
                                                    "queues"};

// A scenario is a few kilobytes; the limit keeps `validate /dev/zero`-like mistakes from eating the memory.
constexpr std::int64_t k_max_scenario_bytes = 8 * 1024 * 1024;
// A scenario's name becomes its report folder: a file name, at most NAME_MAX (255) bytes on Linux file systems.
constexpr std::size_t k_max_name_length = 255;

std::string too_large(std::int64_t bytes) {
  return "too large for a scenario (" + std::to_string(bytes) + " bytes; at most 8 MiB)";
}

Diagnostic file_diagnostic(const std::string& file, std::string message) {
  return Diagnostic{SourceLocation{file, 0, 0}, std::move(message)};
}

// Loads and celery-beat services (which publish too) need the execution ledger (a Redis of the harness's own): one is
// added, named "ledger" (or "celery-chaos-ledger" when that name is taken), unless a service has `role: ledger`. A `wait: {drained}` or a
// `delivery` check without any load has nothing to judge: reported at that step or check.
void add_ledger(YamlReader& reader, Scenario& scenario) {
  bool has_load = false;
  for (const auto& step : scenario.steps) has_load |= step.kind == "load";
  for (const auto& service : scenario.services) has_load |= service.kind == ServiceKind::k_celery_beat;
  if (!has_load) {
    for (const auto& step : scenario.steps) {
      if (const auto* wait = params_if<WaitStep>(step); wait && wait->drained)
        reader.error(step.location, "wait step waits for 'drained', but the scenario has no load step");
    }
    for (const auto& check : scenario.checks) {
      if (check.kind == "delivery")
        reader.error(check.location, "delivery check needs a load step (nothing is published to judge)");
    }
    return;
  }
  for (const auto& service : scenario.services)
    if (service.role == "ledger") return;
  Service ledger;
  ledger.name = scenario.find_service("ledger") ? "celery-chaos-ledger" : "ledger";
  ledger.kind = ServiceKind::k_redis;
  ledger.image = "redis";
  ledger.role = "ledger";
  // Before the workers and beats, so the driver has its URL when it creates them.
  auto first_worker = std::find_if(scenario.services.begin(), scenario.services.end(), [](const Service& s) {
    return s.kind == ServiceKind::k_celery_worker || s.kind == ServiceKind::k_celery_beat;
  });
  scenario.services.insert(first_worker, std::move(ledger));
}

// What a placeholder that is not in `keys` is told: the closest key, or what its service offers, or the services.
std::string unknown_placeholder(const std::string& key, const std::vector<std::string>& keys,
                                const std::vector<std::string>& run_keys, PlaceholderScope scope) {
  std::string message = "unknown placeholder {{" + key + "}}";
  if (scope == PlaceholderScope::k_worker_setup &&
      std::find(run_keys.begin(), run_keys.end(), key) != run_keys.end()) {
    return "placeholder {{" + key + "}} cannot be used in a celery-worker's command, environment, broker_url or "
           "backend_url (they are set before any worker exists: only data services' and run placeholders are; "
           "a worker's own node name is $CELERY_CHAOS_NODE)";
  }
  if (auto suggestion = closest_match(key, keys)) return message + " (did you mean {{" + *suggestion + "}}?)";
  const std::string owner = key.substr(0, key.rfind('.') == std::string::npos ? 0 : key.rfind('.'));
  std::vector<std::string> offered;
  std::set<std::string> owners;
  for (const auto& candidate : keys) {
    const std::size_t dot = candidate.rfind('.');
    owners.insert(candidate.substr(0, dot));
    if (!owner.empty() && candidate.substr(0, dot) == owner) offered.push_back(candidate.substr(dot + 1));
  }
  if (!offered.empty()) return message + " (" + quote(owner) + " offers: " + join(offered) + ")";
  return message + " (no service or instance " + quote(owner.empty() ? key : owner) +
         "; known: " + join(std::vector<std::string>(owners.begin(), owners.end())) + ")";
}

// Every {{placeholder}} the readers noted is one the services will offer where it is expanded (placeholder_keys.h),
// reported at the placeholder itself: a typo is found before anything starts, not after the services booted.
void check_placeholders(YamlReader& reader, const Scenario& scenario) {
  const std::vector<std::string> run_keys = placeholder_keys(scenario, PlaceholderScope::k_run);
  const std::vector<std::string> worker_keys = placeholder_keys(scenario, PlaceholderScope::k_worker_setup);
  for (const auto& noted : reader.noted_placeholders()) {
    const auto& keys = noted.scope == PlaceholderScope::k_run ? run_keys : worker_keys;
    const std::string& text = noted.node.Scalar();
    std::map<std::string, std::size_t> seen;  // how often each placeholder's text came before in this value
    for (const auto& use : find_placeholders(text)) {
      const std::string written = text.substr(use.offset, use.length);
      const std::size_t occurrence = seen[written]++;
      if (std::binary_search(keys.begin(), keys.end(), use.key)) continue;
      reader.error(reader.placeholder_location(noted.node, written, occurrence),
                   unknown_placeholder(use.key, keys, run_keys, noted.scope));
    }
  }
}

Scenario read_scenario(YamlReader& reader, const YAML::Node& root) {
  Scenario scenario;
  scenario.file = reader.file_name();
  if (!root.IsMap()) {
    reader.error(reader.location(root),
                 "the scenario must be a map (with at least 'name' and 'services'), got " + describe(root));
    return scenario;
  }
  MapView map(reader, root);
  for (const auto& entry : map.entries()) {
    // Compose's extension fields: ignored, so they can hold anchors (`x-healthcheck: &hc {...}`).
    if (entry.key.starts_with("x-")) continue;
    if (std::find(k_scenario_keys.begin(), k_scenario_keys.end(), entry.key) == k_scenario_keys.end())
      report_unknown_key(reader, entry, k_scenario_keys, "");
  }

  if (const MapEntry* e = map.require(reader, "name", "")) {
    if (auto name = read_string(reader, *e)) {
      if (name->size() > k_max_name_length)
        reader.error(e->location, "scenario name is " + std::to_string(name->size()) +
                                      " characters long (at most 255: it names the scenario's report folder)");
      else if (std::regex_match(*name, std::regex("[A-Za-z0-9][A-Za-z0-9._-]*")))
        scenario.name = *name;
      else
        reader.error(e->location, "invalid scenario name " + quote(truncate(*name)) +
                                      " (expected letters, digits, '.', '_' or '-', starting with a letter or "
                                      "digit)");
    }
  }
  if (const MapEntry* e = map.find("description"))
    if (auto value = read_string(reader, *e)) scenario.description = *value;
  if (const MapEntry* e = map.find("tags"))
    if (auto value = read_string_list(reader, *e)) scenario.tags = std::move(*value);
  std::optional<Millis> timeout = scenario.timeout;
  if (const MapEntry* e = map.find("timeout")) {
    timeout = read_duration(reader, *e);
    if (timeout) scenario.timeout = *timeout;
  }
  if (const MapEntry* e = map.find("seed")) {
    if (auto value = read_unsigned(reader, *e)) {
      scenario.seed = *value;
      scenario.seed_given = *value != 0;  // 0 means "choose one", as if absent
    }
  }
  if (const MapEntry* e = map.find("python"))
    if (auto value = read_nonempty_string(reader, *e)) scenario.python = *value;
  if (const MapEntry* e = map.find("expect")) {
    if (auto value = read_choice(reader, *e, {"pass", "fail"}))
      scenario.expect = *value == "pass" ? Expectation::k_pass : Expectation::k_fail;
  }
  if (const MapEntry* e = map.find("when")) read_when(reader, *e, scenario.when);

  // Services before steps and checks (whatever the order in the file): those refer to services by name.
  const std::vector<Service>* services = nullptr;
  if (const MapEntry* e = map.require(reader, "services", "")) {
    scenario.services = read_services(reader, *e);
    if (!scenario.services.empty()) services = &scenario.services;
  }
  if (const MapEntry* e = map.find("queues")) scenario.queues = read_queues(reader, *e);
  check_worker_queues(reader, scenario);
  if (const MapEntry* e = map.find("steps")) scenario.steps = read_steps(reader, *e, services, timeout);
  if (const MapEntry* e = map.find("checks")) scenario.checks = read_checks(reader, *e, services);
  add_ledger(reader, scenario);
  // With every service known (the ledger too); not when `services:` itself was unusable (reported already).
  if (services) check_placeholders(reader, scenario);
  return scenario;
}

}  // namespace

LoadResult load_scenario_text(const std::string& text, const std::string& file_name) {
  YamlReader reader(file_name);
  reader.set_source(text);
  LoadResult result;
  try {
    std::vector<YAML::Node> documents;
    try {
      documents = YAML::LoadAll(text);
    } catch (const YAML::ParserException& error) {
      reader.error(reader.location(error.mark), "YAML syntax error: " + error.msg);
      result.diagnostics = reader.take_diagnostics();
      return result;
    }
    if (documents.empty() || documents.front().IsNull()) {
      result.diagnostics.push_back(file_diagnostic(
          file_name, "the file is empty (expected a scenario: a map with at least 'name' and 'services')"));
      return result;
    }
    if (documents.size() > 1)
      reader.error(reader.location(documents[1]), "more than one YAML document (expected one scenario per file)");
    Scenario scenario = read_scenario(reader, documents.front());
    result.diagnostics = reader.take_diagnostics();
    if (result.diagnostics.empty()) result.scenario = std::move(scenario);
  } catch (const YAML::Exception& error) {
    // Not expected (the readers check node types before converting); reported rather than thrown.
    result.scenario.reset();
    result.diagnostics = reader.take_diagnostics();
    result.diagnostics.push_back(Diagnostic{reader.location(error.mark), "internal error reading YAML: " + error.msg});
  }
  return result;
}

LoadResult load_scenario_file(const std::filesystem::path& path) {
  const std::string file_name = path.string();
  const auto refuse = [&](std::string message) {
    return LoadResult{std::nullopt, {file_diagnostic(file_name, std::move(message))}};
  };
  // Non-blocking: opening a FIFO must not wait for a writer; fstat then refuses it before any read.
  const int fd = ::open(file_name.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return refuse("cannot read: " + std::string(std::strerror(errno)));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat info {};
  if (::fstat(fd, &info) != 0) return refuse("cannot read: " + std::string(std::strerror(errno)));
  if (S_ISDIR(info.st_mode)) return refuse("cannot read: " + std::string(std::strerror(EISDIR)));
  if (!S_ISREG(info.st_mode))
    return refuse("not a regular file (a scenario is a YAML or JSON file; devices, pipes and sockets are refused)");
  if (info.st_size > k_max_scenario_bytes) return refuse(too_large(info.st_size));
  std::string text;
  char buffer[65536];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return refuse("cannot read: " + std::string(std::strerror(errno)));
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    // It may grow while read: the limit holds for what is read, too.
    if (text.size() > static_cast<std::size_t>(k_max_scenario_bytes)) return refuse(too_large(static_cast<std::int64_t>(text.size())));
  }
  return load_scenario_text(text, file_name);
}

std::vector<std::filesystem::path> collect_scenario_files(const std::vector<std::string>& args,
                                                          std::vector<Diagnostic>& diagnostics) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  std::set<std::string> seen;
  const auto add = [&](const fs::path& path) {
    if (seen.insert(path.lexically_normal().string()).second) files.push_back(path);
  };
  for (const auto& arg : args) {
    const fs::path path(arg);
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (status.type() == fs::file_type::not_found) {
      diagnostics.push_back(file_diagnostic(arg, "no such file or directory"));
      continue;
    }
    if (error) {
      diagnostics.push_back(file_diagnostic(arg, "cannot read: " + error.message()));
      continue;
    }
    if (!fs::is_directory(status)) {
      add(path);
      continue;
    }
    std::vector<fs::path> found;
    fs::directory_iterator it(path, error);
    for (; !error && it != fs::directory_iterator(); it.increment(error)) {
      const fs::path& entry = it->path();
      const std::string name = entry.filename().string();
      const std::string extension = entry.extension().string();
      if (name.starts_with(".")) continue;
      if (extension != ".yaml" && extension != ".yml" && extension != ".json") continue;
      std::error_code entry_error;
      if (fs::is_directory(it->status(entry_error))) continue;
      found.push_back(entry);
    }
    if (error) {
      diagnostics.push_back(file_diagnostic(arg, "cannot read: " + error.message()));
      continue;
    }
    if (found.empty()) {
      diagnostics.push_back(file_diagnostic(arg, "no scenario files (*.yaml, *.yml, *.json) in this folder"));
      continue;
    }
    std::sort(found.begin(), found.end());
    for (const auto& file : found) add(file);
  }
  return files;
}

}  // namespace harness::scenario
