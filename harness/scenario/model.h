#pragma once
// The scenario model: plain structs, filled by scenario::load_scenario() from YAML or JSON and validated there.
// Nothing here starts or knows about services; the runner reads these structs.
//
// Placeholders: string fields marked "expands placeholders" may contain {{SERVICE.FIELD}} (e.g. {{results.url}},
// {{db.port}}, {{worker.nodes}}) and {{run.dir}}; the runner expands them once the services have addresses.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace harness::scenario {

using Millis = std::chrono::milliseconds;

// Where a value stood in the scenario file; 1-based. line == 0 means unknown.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
};

enum class ServiceKind { k_rabbitmq, k_redis, k_postgres, k_celery_worker };

// Docker Compose `healthcheck` keys verbatim (Kubernetes probe keys map onto the same fields).
struct HealthCheck {
  std::vector<std::string> test;  // ["CMD", argv...], ["CMD-SHELL", "cmd"], ["NONE"]; a plain string = CMD-SHELL
  Millis interval{30'000};        // Docker defaults
  Millis timeout{30'000};
  Millis start_period{0};
  int retries = 3;
  int success_threshold = 1;      // Kubernetes successThreshold
  SourceLocation location;
};

struct Service {
  std::string name;
  ServiceKind kind = ServiceKind::k_redis;
  std::string image;               // as written; kind is inferred from it when `kind:` is absent
  int replicas = 1;                // celery-worker only (>= 1)
  std::string role;                // redis: "ledger" marks the harness's own execution record (never faulted)

  // celery-worker
  std::string broker;              // name of a rabbitmq or redis service
  std::string backend;             // name of a redis or postgres service; empty = no result backend
  std::optional<std::string> broker_url;   // overrides the URL derived from `broker` (expands placeholders)
  std::optional<std::string> backend_url;  // overrides the URL derived from `backend` (expands placeholders)
  std::optional<std::string> command;      // shell command; default: the fixture worker (expands placeholders)
  std::string app = "probe";               // -A for the default command
  std::optional<std::string> python;       // interpreter; default: scenario-wide `python`, then /usr/bin/python3
  int concurrency = 2;
  nlohmann::json config = nlohmann::json::object();  // Celery settings, handed to the app as JSON
  std::map<std::string, std::string> environment;    // extra environment (values expand placeholders)
  std::optional<HealthCheck> healthcheck;
  std::string restart = "no";      // no | on-failure | always | unless-stopped
  bool restart_on_unhealthy = false;
  // Restart delay: Docker's (100ms doubling to 1m) by default, or `backoff: kubernetes` (10s doubling to 5m).
  // `backoff_scale` compresses it for scenarios (0.1 = ten times faster), and the report says so.
  std::string backoff = "docker";
  double backoff_scale = 1.0;

  // postgres
  std::string database = "celery";  // created at start (the role owns it)

  SourceLocation location;
};

// `wait`: for services to be ready, or for a fixed duration.
struct WaitStep {
  std::vector<std::string> ready;  // service names; empty with no duration = all services
  std::vector<std::string> healthy;
  std::optional<Millis> duration;
  Millis timeout{60'000};
};

// `exec`: run a shell command, record exit code and output. With `service:` it runs in that service's
// environment (like `docker exec`): the worker's env, cwd and PYTHONPATH.
struct ExecStep {
  std::string command;             // shell (expands placeholders)
  std::string service;             // optional
  Millis timeout{60'000};
  std::optional<int> expect_exit;  // when set, another exit code fails the run with an error
};

// `fault`: one fault of the catalogue, `{KIND: {...}}`. Applied when the step runs; with the step's `for:` it is
// cleared (its inverse applied) afterwards, in the background while later steps run; without, it stays until
// teardown. Kinds so far:
//   pause:               {service}                      SIGSTOP the instance(s), SIGCONT to clear
//   kill:                {service, signal: KILL}        signal the instance(s)' process group (no inverse)
//   pidbox-reply-expiry: {broker, expires}              policy '\.reply\.celery\.pidbox$' {"expires": ms}
//   policy:              {broker, name, pattern, definition, priority, apply_to}   a RabbitMQ policy; cleared
//                        by deleting it
struct FaultStep {
  std::string kind;                // "pause" | "kill" | "pidbox-reply-expiry" | "policy"
  std::string service;             // target service or instance ("worker", "worker.1"); `broker:` for RabbitMQ ones
  int signal = 9;                  // kill: signal number (SIGKILL by default; names like KILL/TERM accepted)
  std::optional<Millis> expires;   // pidbox-reply-expiry
  std::string policy_name;         // policy
  std::string pattern;             // policy: regex over queue names
  nlohmann::json definition = nlohmann::json::object();  // policy
  int priority = 0;                // policy
  std::string apply_to = "queues"; // policy: queues | exchanges | all
};

struct Step {
  std::string name;                // `name:`, optional (for the timeline and messages)
  std::optional<Millis> at;        // pins the step to a time since the run started
  std::optional<Millis> for_;      // fault steps: cleared afterwards
  std::variant<WaitStep, ExecStep, FaultStep> body;
  SourceLocation location;
};

// `log`: a service's log contains / does not contain a pattern (substring, or ECMAScript regex with regex: true).
struct LogCheck {
  std::string service;
  std::optional<std::string> contains;
  std::optional<std::string> not_contains;
  bool regex = false;
};

// `exec`: a command's exit code (and optionally its output).
struct ExecCheck {
  std::string command;             // shell (expands placeholders)
  std::string service;             // optional, as ExecStep
  int exit_code = 0;
  std::optional<std::string> output_contains;
  Millis timeout{60'000};
};

// `health`: judged from health.state events of the service's instances (Docker states).
//   {service, state: unhealthy, within: 25s}  some instance reaches `state` within `within` of the stack being ready
//   {service, never: unhealthy}               no instance is ever in that state
//   {service, always: healthy}                from the first time an instance is in that state, it stays there
struct HealthCheckSpec {
  std::string service;
  std::string state;               // with `within`
  std::optional<Millis> within;
  std::string never;               // "healthy" | "unhealthy" | "starting"
  std::string always;
};

// `restarts`: how many times the orchestrator restarted the service's instances (service.restarted events).
struct RestartsCheck {
  std::string service;
  std::optional<int> min;
  std::optional<int> max;
};

// `exit`: an instance of the service exited by itself (not stopped by the harness), optionally with `code`, and
// its log contains `log`.
struct ExitCheck {
  std::string service;
  std::optional<int> code;
  std::optional<std::string> log;
};

struct Check {
  std::string name;                // `name:` or generated, e.g. "log broker contains 'x'"
  std::variant<LogCheck, ExecCheck, HealthCheckSpec, RestartsCheck, ExitCheck> body;
  SourceLocation location;
};

enum class Expectation { k_pass, k_fail };

struct Scenario {
  std::string name;
  std::string description;
  std::vector<std::string> tags;
  Millis timeout{300'000};
  std::uint64_t seed = 0;          // 0 in the file = "choose one"; the chosen seed is always reported
  bool seed_given = false;
  std::optional<std::string> python;
  std::vector<Service> services;   // in file order
  std::vector<Step> steps;
  std::vector<Check> checks;
  Expectation expect = Expectation::k_pass;
  std::string file;                // the path it was loaded from

  const Service* find_service(const std::string& name) const {
    for (const auto& s : services)
      if (s.name == name) return &s;
    return nullptr;
  }
};

const char* to_string(ServiceKind kind);

}  // namespace harness::scenario
