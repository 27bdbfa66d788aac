#pragma once
// The scenario model: plain structs, filled by scenario::load_scenario() from YAML or JSON and validated there.
// Nothing here starts or knows about services; the runner reads these structs.
//
// Placeholders: string fields marked "expands placeholders" may contain {{SERVICE.FIELD}} (e.g. {{results.url}},
// {{db.port}}, {{worker.nodes}}) and {{run.dir}}; the runner expands them once the services have addresses.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/scenario/kind_params.h"

namespace harness::scenario {

using Millis = std::chrono::milliseconds;

// Where a value stood in the scenario file; 1-based. line == 0 means unknown.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
};

// The kinds of service; each registers its name, keys and instances from its own file (service_kind.h).
enum class ServiceKind { k_rabbitmq, k_redis, k_postgres, k_celery_worker, k_celery_monitor, k_celery_beat };

// Docker Compose `healthcheck` keys verbatim (Kubernetes probe keys map onto the same fields).
struct HealthCheck {
  std::vector<std::string> test;  // ["CMD", argv...], ["CMD-SHELL", "cmd"], ["NONE"]; a plain string = CMD-SHELL
  Millis interval{30'000};        // Docker defaults
  Millis timeout{30'000};
  Millis start_period{0};
  Millis start_interval{0};       // Compose/Docker >= 25: between probes in the start period; 0 = Docker's 5s
  int retries = 3;
  int success_threshold = 1;      // Kubernetes successThreshold
  // Written with Kubernetes probe keys (exec, periodSeconds, ...): a liveness probe, judged by the kubelet's
  // rules and defaults (period 10s, timeout 1s) instead of Docker's.
  bool kubernetes = false;
  SourceLocation location;
};

// `deploy:` — Docker Compose's deploy keys as a stack file has them, for the swarm driver (Swarm's own restart
// policy and rolling updates). Durations as Compose writes them ("5s", "1m30s").
struct DeployRestartPolicy {
  std::string condition = "any";      // none | on-failure | any (Compose's default)
  std::optional<Millis> delay;        // absent: Swarm's default (5 s)
  std::optional<int> max_attempts;    // absent: no limit
  std::optional<Millis> window;       // absent: 0 (every restart counts)
  SourceLocation location;
};
struct DeployUpdateConfig {
  std::string order = "stop-first";   // stop-first | start-first
  int parallelism = 1;                // 0: all at once
  Millis delay{0};
  std::string failure_action = "pause";  // pause | continue | rollback
  std::optional<Millis> monitor;      // absent: Swarm's default (5 s)
  SourceLocation location;
};
struct Deploy {
  std::optional<int> replicas;
  std::optional<DeployRestartPolicy> restart_policy;
  std::optional<DeployUpdateConfig> update_config;
  SourceLocation location;
};

struct Service {
  std::string name;
  ServiceKind kind = ServiceKind::k_redis;
  std::string image;               // as written; kind is inferred from it when `kind:` is absent
  int replicas = 1;                // celery-worker: instances (>= 1); redis: see redis_replicas
  std::string role;                // redis: "ledger" marks the harness's own execution record (never faulted)

  // redis: `replicas: N` read replicas of this master (instances NAME.replica-1..N, each `replicaof` the master),
  // and `sentinels: M` redis-sentinel processes (NAME.sentinel-1..M) monitoring it under the master name NAME,
  // quorum M/2+1. REQUIRES: sentinels > 0 only with redis_replicas >= 1. Instance NAME stays the initial master.
  int redis_replicas = 0;
  int sentinels = 0;
  Millis down_after{2'000};        // sentinel down-after-milliseconds (`down_after:`)

  // celery-worker
  std::string broker;              // name of a rabbitmq or redis service
  std::string backend;             // name of a redis or postgres service; empty = no result backend
  std::optional<std::string> broker_url;   // overrides the URL derived from `broker` (expands placeholders)
  std::optional<std::string> backend_url;  // overrides the URL derived from `backend` (expands placeholders)
  std::optional<std::string> command;      // shell command; default: the fixture worker (expands placeholders)
  std::string app = "probe";               // -A for the default command
  std::optional<std::string> python;       // interpreter; default: scenario-wide `python`, then /usr/bin/python3
  int concurrency = 2;
  std::string pool;                // --pool of the default command (prefork, solo, threads, gevent, eventlet); empty: prefork
  // -Q of the default command: the queues it consumes, each one of the scenario's `queues:` or Celery's default
  // `celery`. Empty: no -Q, so it consumes every queue of the app's task_queues (Celery's rule).
  std::vector<std::string> queues;
  SourceLocation queues_location;  // of the `queues:` value (the loader checks the names against `queues:`)
  nlohmann::json config = nlohmann::json::object();  // Celery settings, handed to the app as JSON
  // celery-beat: `schedule:` entries, in file order, as the fixture app reads them (CELERY_CHAOS_BEAT_SCHEDULE):
  // [{"name", "task", "every": SECONDS | "crontab": "m h dom mon dow", "args": [...]}] (scenario/beat_schedule.h).
  nlohmann::json schedule = nlohmann::json::array();
  // celery-beat: `scheduler: {database: SERVICE}`: django-celery-beat's DatabaseScheduler keeping the schedule in that
  // postgres service's database (fixtures/celery/beat_django_settings.py); empty: the default file scheduler.
  std::string scheduler_database;
  std::map<std::string, std::string> environment;    // extra environment (values expand placeholders)
  std::optional<HealthCheck> healthcheck;
  std::string restart = "no";      // no | on-failure | always | unless-stopped
  bool restart_on_unhealthy = false;
  // Restart delay: Docker's (100ms doubling to 1m) by default, or `backoff: kubernetes` (10s doubling to 5m).
  // `backoff_scale` compresses it for scenarios (0.1 = ten times faster), and the report says so.
  std::string backoff = "docker";
  double backoff_scale = 1.0;
  // `deploy:` (Compose's deploy keys verbatim): restart_policy and update_config are the swarm driver's only; the
  // local and docker drivers keep `restart`, `restart_on_unhealthy` and `backoff` above. `deploy.replicas` is
  // `replicas` (the reader sets that field from it).
  std::optional<Deploy> deploy;
  // `network: proxied`: the clients the scenario starts reach this service through the harness's fault proxy
  // (net/), as when a network fault targets it (scenario/network.h); `direct` (the default) otherwise.
  bool proxied = false;

  // postgres
  std::string database = "celery";  // created at start (the role owns it)

  // celery-monitor: the celery-worker services whose events it watches (their task events are switched on).
  // Default (no `watch:`): every celery-worker service on the monitor's `broker:`; the reader resolves it.
  std::vector<std::string> watch;
  // rabbitmq, redis, postgres: `config:`, the server's own settings (rabbitmq.conf keys, redis.conf directives,
  // PostgreSQL parameters), each value as the server reads it (scenario/server_config.h). A celery-worker's
  // `config:` is `config` above.
  std::map<std::string, std::string> server_config;

  SourceLocation location;
};

// `wait`: for services to be ready, or for a fixed duration.
struct WaitStep : KindParams {
  std::vector<std::string> ready;  // service names; empty with no duration = all services
  std::vector<std::string> healthy;
  std::optional<Millis> duration;
  bool drained = false;            // every load has finished publishing and every accepted task has executed
  // At least this many task executions in the ledger (tasks of the loads have run: the next ones are in flight).
  std::optional<int> executed;
  Millis timeout{60'000};
  // false: a wait that times out is recorded and the run goes on (e.g. draining a load known to lose tasks).
  bool fail_on_timeout = true;
};

// `exec`: run a shell command, record exit code and output. With `service:` it runs in that service's
// environment (like `docker exec`): the worker's env, cwd and PYTHONPATH.
struct ExecStep : KindParams {
  std::string command;             // shell (expands placeholders)
  std::string service;             // optional
  Millis timeout{60'000};
  std::optional<int> expect_exit;  // when set, another exit code fails the run with an error
};

// `rollout`: a rolling update of a service's instances by the engine that orchestrates them (the swarm driver: a
// Swarm service update in the order of the service's `deploy.update_config`), one instance after another, each
// waited for until its old task ended; what the new tasks change: another image, variables set, another command.
struct RolloutStep : KindParams {
  std::string service;                     // a scenario service or one instance ("worker.2")
  std::optional<std::string> image;
  std::map<std::string, std::string> env;
  std::optional<std::string> command;      // shell (expands placeholders), instead of the recipe's
  Millis timeout{120'000};                 // per instance
};

// `fault`: one fault of the catalogue, `{KIND: {...}}`. Applied when the step runs; with the step's `for:` it is
// cleared (its inverse applied) afterwards, in the background while later steps run; without, it stays until
// teardown. Each kind is one file in harness/fault/ (its keys, reader, apply, inverse and what it observes),
// registered by name; scenario/fault_syntax.h is the table the loader reads faults through.
struct FaultStep : KindParams {
  std::string kind;                // "pause", "kill", "redis-flush", ... (the registered fault kinds)
  std::string service;             // the target service or instance ("worker", "worker.1"); `broker:` for RabbitMQ
  std::shared_ptr<const KindParams> params;  // the kind's own parameters (scenario::params_of<T>); may be null
  // `replica: random` (kill, pause): `service` names a service, and the fault acts on one of its instances,
  // chosen when the step runs with the run's seeded Random (run/fault_step.cc), so a seed replays the choice. The
  // runner then sets `service` to the instance chosen and `chosen_from` to the service it was chosen from.
  bool random_replica = false;
  std::string chosen_from;
};

// Publish options of a load, as the Celery client applies them (apply_async / broker_transport_options).
struct PublishOptions {
  std::optional<bool> confirm_publish;  // py-amqp publisher confirms (broker_transport_options.confirm_publish)
  std::optional<bool> retry;            // apply_async(retry=...): kombu retries a failed publish
  nlohmann::json retry_policy = nlohmann::json::object();  // max_retries, interval_start, interval_step, interval_max
  std::optional<Millis> timeout;        // apply_async(timeout=...): how long to wait for a confirm
  std::optional<int> delivery_mode;     // 1 transient, 2 persistent (Celery's default)
  // apply_async's own options, passed as they are: countdown and expires (seconds), priority, headers (a map),
  // routing_key.
  nlohmann::json apply = nlohmann::json::object();
  std::optional<Millis> eta;            // apply_async(eta=) at each publish's time plus this (a UTC datetime)
};

// `load`: publishes tasks through a real Celery client (fixtures/celery/load.py) in the background, while later
// steps run. Every publish outcome is a `load.publish` event: {load, id, outcome, at, took_ms, error}, where
// outcome is "confirmed" (publisher confirm received), "sent" (no confirms asked, returned without error),
// "failed" (raised) or "timeout" (no confirm within the publish timeout); `at` is wall-clock epoch seconds.
struct LoadStep : KindParams {
  std::string name;                // "load-N" (N counts load steps from 1) unless the step has a `name:`
  std::string task = "probe.record";  // expands placeholders
  std::optional<std::int64_t> count;     // stop after this many publishes
  std::optional<Millis> duration;        // or after this long (at least one of the two)
  double rate = 0;                 // tasks per second; 0 = as fast as the client can
  nlohmann::json args = nlohmann::json::array();     // positional arguments (a list; strings expand placeholders)
  nlohmann::json kwargs = nlohmann::json::object();  // keyword arguments (a map; strings expand placeholders)
  std::string queue;               // optional routing queue (expands placeholders)
  std::string service;             // the celery-worker service whose environment (broker, config) the client uses
  PublishOptions publish;
};

// A step: `{KIND: ..., at, for, name}`. Each step kind (wait, exec, fault, load: `celery-chaos kinds` lists them)
// registers its syntax in scenario/step_syntax.h from its own file and how it runs in run/step_kind.h; its
// parameters are the structs above (params_of<WaitStep>(step)), or a new kind's own struct.
struct Step {
  std::string name;                // `name:`, optional (for the timeline and messages)
  std::optional<Millis> at;        // pins the step to a time since the run started
  std::optional<Millis> for_;      // fault steps: cleared afterwards
  std::string kind;                // "wait", "exec", "fault", "load" (the registered step kinds)
  std::shared_ptr<const KindParams> params;  // the kind's parameters; null when they could not be read
  SourceLocation location;
};

// A bound on a count: `lost: 0` (a plain number is "at most"), or a string "==3", "<=5", "<10", ">0", ">=1".
struct CountBound {
  enum class Op { k_eq, k_le, k_lt, k_ge, k_gt };
  Op op = Op::k_le;
  std::int64_t value = 0;
};

// A check: `{KIND: {...}, name}`. Each kind (log, exec, health, restarts, exit, delivery, queue, connections:
// `celery-chaos kinds` lists them) is defined in its own file in check/, with its parameters struct (read with
// params_of<check::LogParams>(check)); scenario/check_syntax.h is the table the reader takes the kinds from.
struct Check {
  std::string name;                // `name:` or generated, e.g. "log broker contains 'x'"
  std::string kind;                // "log", "queue", ...
  std::shared_ptr<const KindParams> params;
  SourceLocation location;
  // `when: {kombu: "<5.4"}`: judged only on a stack whose versions match every spec (scenario/version_spec.h);
  // skipped, with the reason, elsewhere.
  std::map<std::string, std::string> when;
};

// `queues:` (top level): a queue the scenario declares once. The fixture app (fixtures/celery/probe.py) builds a
// kombu Queue of each into its task_queues, for workers and loads alike, so both declare it identically (RabbitMQ
// refuses a second declaration with other arguments: PRECONDITION_FAILED inequivalent arg).
struct QueueDeclaration {
  std::string name;
  std::string type = "classic";    // classic | quorum | stream: the x-queue-type argument (classic: none)
  bool durable = true;             // kombu's default; quorum and stream queues must be durable
  nlohmann::json arguments = nlohmann::json::object();  // queue arguments as they are (x-max-length, ...)
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
  std::vector<QueueDeclaration> queues;  // `queues:`, in file order
  std::vector<Step> steps;
  std::vector<Check> checks;
  Expectation expect = Expectation::k_pass;
  // `when: {celery: ">=5.5"}`: the stacks the scenario is about (scenario/version_spec.h). On another stack it is
  // not run: nothing starts, every check is <skipped> with why (a story one release has and another has not).
  std::map<std::string, std::string> when;
  std::string file;                // the path it was loaded from

  const Service* find_service(const std::string& name) const {
    for (const auto& s : services)
      if (s.name == name) return &s;
    return nullptr;
  }
};

const char* to_string(ServiceKind kind);

}  // namespace harness::scenario
