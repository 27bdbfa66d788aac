// The docker driver: the same service recipes as the local driver (driver/local/*_service), each instance run as a
// container of the stack's image on the host network (driver/docker/container_runtime.h); a worker with an image of
// its own (a team's, driver/docker/own_image.h) in that image. The swarm driver is the same, but an instance the
// engine orchestrates (Launch::orchestration) runs as a Swarm service of one replica (driver/docker/swarm_runtime.h).
#include <unistd.h>

#include <iostream>

#include "harness/driver/docker/container_runtime.h"
#include "harness/driver/docker/container_spec.h"
#include "harness/driver/docker/docker_sweep.h"
#include "harness/driver/docker/engine.h"
#include "harness/driver/docker/host_network.h"
#include "harness/driver/docker/image_command.h"
#include "harness/driver/docker/own_image.h"
#include "harness/driver/docker/swarm_membership.h"
#include "harness/driver/docker/swarm_runtime.h"
#include "harness/driver/docker/swarm_spec.h"
#include "harness/driver/driver.h"
#include "harness/driver/local/celery_worker_service.h"
#include "harness/driver/local/local_driver.h"
#include "harness/process/child_process.h"
#include "harness/process/sweeper.h"
#include "harness/scenario/service_kind.h"

namespace harness::driver {
namespace docker {
namespace {

// The scenario with `worker_image` as the image of every celery-worker that names none of its own (a stack file's
// worker_image:); unchanged when it is empty.
scenario::Scenario with_worker_image(scenario::Scenario scenario, const std::string& worker_image) {
  if (worker_image.empty()) return scenario;
  for (auto& service : scenario.services) {
    if (service.kind == scenario::ServiceKind::k_celery_worker && scenario::own_image(service).empty())
      service.image = worker_image;
  }
  return scenario;
}

class DockerDriver final : public local::RecipeDriver {
public:
  DockerDriver(Engine engine, DockerOptions options, PullPolicy pull,
               std::shared_ptr<OwnImageEnvironments> own_images, std::unique_ptr<SwarmMembership> swarm)
      : RecipeDriver(swarm ? "swarm" : "docker",
                     [engine, options, own_images](const RunPaths& paths) {
                       return launcher(engine, options, *own_images, paths);
                     },
                     [api = engine.api_version()](const EngineHealthCheck& check) {
                       return healthcheck_limits(check, api);
                     },
                     swarm != nullptr),
        m_engine(std::move(engine)),
        m_image(options.image),
        m_pull(pull),
        m_keep(options.keep),
        m_worker_image(options.worker_image),
        m_own_images(std::move(own_images)),
        m_swarm(std::move(swarm)) {}

  util::Expected<std::vector<std::unique_ptr<Service>>> create_services(const scenario::Scenario& given,
                                                                         const RunPaths& paths) override {
    const scenario::Scenario scenario = with_worker_image(given, m_worker_image);
    auto own_images = read_own_images(m_engine, scenario, m_pull, std::cerr);  // once, before anything starts
    if (!own_images) return own_images.error();
    *m_own_images = std::move(*own_images);  // the launcher made next copies them
    if (auto st = find_programs(scenario); !st) return st;
    RunPaths in_image = paths;
    in_image.programs = &m_programs;
    return RecipeDriver::create_services(scenario, in_image);
  }

  // The stack image's (its own image a worker may run is not the stack's), read on the first call.
  util::Expected<Versions> stack_versions() override {
    return versions_once([this] { return image_versions(m_engine, m_image); });
  }

  std::vector<std::int64_t> kill_leftovers(const std::string& run_id) override {
    auto killed = RecipeDriver::kill_leftovers(run_id);
    if (m_swarm) (void)remove_services(m_engine, {{k_label_run, run_id}});  // before their containers
    if (m_keep) {
      stop_containers(m_engine, {{k_label_run, run_id}});  // kept, as each runtime left it: nothing runs
    } else {
      remove_containers(m_engine, {{k_label_run, run_id}});
    }
    return killed;
  }

private:
  // The image's PostgreSQL (its major version is the image's: 15 in bookworm, 17 in trixie), asked of the image
  // once, when a scenario first has a postgres service; one-off commands (initdb) run in the image.
  util::Status find_programs(const scenario::Scenario& scenario) {
    if (!m_programs.postgres_bin_dir.empty()) return {};
    bool has_postgres = false;
    for (const auto& service : scenario.services) has_postgres |= service.kind == scenario::ServiceKind::k_postgres;
    if (!has_postgres) return {};
    auto found = run_in_image(m_engine, m_image,
                              {"sh", "-c", "ls -d /usr/lib/postgresql/*/bin/postgres | sort -V | tail -n 1"},
                              std::chrono::seconds{30});
    if (!found) return found.error();
    std::string path = found->output;
    while (!path.empty() && (path.back() == '\n' || path.back() == ' ')) path.pop_back();
    if (!found->succeeded() || path.empty())
      return util::Status::infrastructure("image " + m_image + " has no PostgreSQL (/usr/lib/postgresql/*/bin/"
                                          "postgres): build it with scripts/images");
    m_programs.postgres_bin_dir = std::filesystem::path(path).parent_path();
    m_programs.run = [engine = m_engine, image = m_image](const process::SpawnOptions& options,
                                                          const std::vector<std::filesystem::path>& mounts,
                                                          std::chrono::milliseconds timeout) {
      auto result = run_in_image(engine, image, options, mounts, timeout);
      if (result) return std::move(*result);
      process::CommandResult failed;
      failed.output = result.error().message();
      return failed;
    };
    return {};
  }

  static local::Launcher launcher(const Engine& engine, const DockerOptions& options,
                                  const OwnImageEnvironments& own_images, const RunPaths& paths) {
    return [engine, options, own_images, paths](
               const local::Launch& launch) -> util::Expected<std::shared_ptr<local::Runtime>> {
      ContainerSettings settings;
      settings.image = launch.image.empty() ? options.image : launch.image;
      if (!launch.image.empty()) {
        // create_services() read every own image of the scenario before anything started.
        const auto known = own_images.find(launch.image);
        if (known == own_images.end())
          return util::Status::infrastructure("own image " + launch.image + " of '" + launch.instance +
                                              "' was not read before the scenario started (internal error)");
        settings.own_image_environment = known->second;
      }
      settings.api_version = engine.api_version();
      settings.binds = {paths.work_dir, paths.logs_dir};
      settings.binds.insert(settings.binds.end(), launch.writes.begin(), launch.writes.end());
      settings.readonly_binds = {local::fixtures_dir()};
      settings.run_id = process::OwnerMark::run_id();
      settings.owner = process::OwnerMark::owner();
      settings.run_environment = process::OwnerMark::run_environment();
      settings.marks = process::OwnerMark::marks();
      settings.keep = options.keep;
      static std::atomic<int> k_starts{0};
      const int start_number = ++k_starts;
      if (launch.orchestration && !options.swarm.empty()) {
        return start_swarm_service(engine, swarm_service_name(paths.run_id, launch.instance, start_number),
                                   container_create_body(launch, settings), *launch.orchestration);
      }
      const std::string name = container_name(paths.run_id, launch.instance, start_number);
      auto started = ContainerRuntime::start(engine, name, container_create_body(launch, settings));
      if (!started) return started.error();
      return std::shared_ptr<local::Runtime>(std::move(started.value()));
    };
  }

  // The instance as a Swarm service, its image named by its local id (swarm_spec.h: Swarm never pulls that).
  static util::Expected<std::shared_ptr<local::Runtime>> start_swarm_service(const Engine& engine,
                                                                            const std::string& name,
                                                                            const nlohmann::json& container_body,
                                                                            const EngineOrchestration& orchestration) {
    const std::string image = container_body.value("Image", "");
    auto inspected = engine.expect_ok("GET", "/images/" + image + "/json");
    if (!inspected) return inspected.error();
    const std::string id = inspected->body.value("Id", "");
    auto started = SwarmRuntime::start(engine, swarm_service_spec(name, container_body, id, orchestration));
    if (!started) return started.error();
    return std::shared_ptr<local::Runtime>(std::move(started.value()));
  }

  Engine m_engine;
  std::string m_image;  // the stack's
  StackPrograms m_programs;
  PullPolicy m_pull;
  bool m_keep;
  std::string m_worker_image;  // a stack file's worker_image
  std::shared_ptr<OwnImageEnvironments> m_own_images;
  std::unique_ptr<SwarmMembership> m_swarm;  // the swarm driver's: left with the driver, after every run's services
};

}  // namespace
}  // namespace docker

util::Expected<std::unique_ptr<Driver>> make_docker_driver(const DockerOptions& options) {
  const auto pull = docker::parse_pull_policy(options.pull);
  if (!pull) return util::Status::invalid("--pull " + options.pull + ": one of loopback, any, never");
  auto engine = docker::Engine::connect();
  if (!engine) return engine.error();
  auto image = docker::present_or_pulled(*engine, options.image, *pull, std::cerr,
                                         "the docker driver's image " + options.image,
                                         "build it with scripts/images (or docker pull it)");
  if (!image) return image.error();
  if (!options.worker_image.empty()) {
    auto worker_image = docker::present_or_pulled(*engine, options.worker_image, *pull, std::cerr,
                                                  "the stack's worker image " + options.worker_image,
                                                  "build it (docker build -t " + options.worker_image +
                                                      " DIR) or push it to the registry it names");
    if (!worker_image) return worker_image.error();
  }
  if (auto st = docker::require_host_network(*engine, options.image); !st) return st;
  std::unique_ptr<docker::SwarmMembership> swarm;
  if (!options.swarm.empty()) {
    if (options.keep)
      return util::Status::invalid("--keep is not supported under --driver swarm: Swarm removes a removed service's "
                                   "containers (use --driver docker to keep them)");
    auto joined = docker::SwarmMembership::join(*engine, options.swarm == "existing");
    if (!joined) return joined.error();
    swarm = std::move(*joined);
    docker::remove_orphan_services(*engine);  // before the containers: Swarm would start its tasks again
  }
  docker::remove_orphans(*engine);
  return std::unique_ptr<Driver>(std::make_unique<docker::DockerDriver>(
      std::move(*engine), options, *pull, std::make_shared<docker::OwnImageEnvironments>(), std::move(swarm)));
}

}  // namespace harness::driver
