#pragma once
// Where services run. A Driver turns a scenario's services into Service instances; one implementation per
// backend (driver/local: processes from the machine's packages). Scenarios, steps and checks never know which.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "harness/driver/service.h"
#include "harness/driver/stack_versions.h"
#include "harness/process/child_process.h"
#include "harness/scenario/model.h"
#include "harness/util/status.h"

namespace harness::driver {

class ClientRouting;

// Where the stack's programs are when they are not this machine's: an image stack's PostgreSQL may be another
// major version (trixie's 17 against the machine's 15), in another folder, and only in the image.
struct StackPrograms {
  std::filesystem::path postgres_bin_dir;  // "/usr/lib/postgresql/17/bin" (empty: look on this machine)
  // Runs a one-off command (initdb of the PostgreSQL template) where the services run, with `mounts` (folders of
  // this machine) seen at the same paths; `options.run_as_user` is honoured.
  std::function<process::CommandResult(const process::SpawnOptions& options,
                                       const std::vector<std::filesystem::path>& mounts,
                                       std::chrono::milliseconds timeout)>
      run;
};

struct RunPaths {
  std::filesystem::path work_dir;   // private data of the services (data dirs, configs, sockets)
  std::filesystem::path logs_dir;   // logs/<service>.log, part of the report
  std::filesystem::path cache_dir;  // kept across runs: the PostgreSQL template data dir
  std::string run_id;               // unique per scenario run; names nodes, marks processes
  // What every process of the run gets in its environment (process::OwnerMark): TMPDIR, TEMP and TMP in
  // <work_dir>/tmp, so what a killed process leaves there goes with the run.
  std::map<std::string, std::string> environment;
  // Set when the scenario routes clients through the fault proxy (client_routing.h): the driver takes each
  // client instance's URLs from routing->client_table(). Null: every client goes direct.
  ClientRouting* routing = nullptr;
  // Set by a driver whose services do not run this machine's programs (the docker driver); null: the machine's.
  const StackPrograms* programs = nullptr;
};

class Driver {
public:
  virtual ~Driver() = default;
  virtual std::string name() const = 0;
  // Creates every instance of the scenario (worker replicas expanded), allocating ports and credentials, in
  // file order with data services before workers. Nothing is started. Fails with k_infrastructure when a binary
  // is missing (naming the package to install).
  virtual util::Expected<std::vector<std::unique_ptr<Service>>> create_services(const scenario::Scenario& scenario,
                                                                                 const RunPaths& paths) = 0;
  // The end of run `run_id`, once its services are stopped: kills whatever of it is still running (what escaped
  // a service's own stop: RabbitMQ's epmd and erl_child_setup). Returns what it killed, for the run's History
  // (the local driver: process ids).
  virtual std::vector<std::int64_t> kill_leftovers(const std::string& run_id) = 0;
  // The versions its services run (fixtures/stack-versions.sh where they run: this machine, or the stack's image),
  // read once and kept. What a check's `when:` is judged against.
  virtual util::Expected<Versions> stack_versions() {
    return util::Status::infrastructure("driver " + name() + " cannot tell its stack's versions");
  }
};

std::unique_ptr<Driver> make_local_driver();

struct DockerOptions {
  // The image every service kind runs in (scripts/images builds it from Debian's packages).
  std::string image = "celery-chaos/services:bookworm";
  // A stack file's `worker_image:` (a team's worker image): what every celery-worker that names no image of its
  // own runs, as if it said `image:` (driver/docker/own_image.h). Empty: the stack's image.
  std::string worker_image;
  // Which absent images are pulled (driver/docker/image_pull.h): "loopback" (the default: only from a registry on
  // this machine), "any" or "never".
  std::string pull = "loopback";
  // --keep: every container of the run is stopped, not removed, and labelled celery-chaos.keep, which no later
  // run's sweep removes (docker rm -f $(docker ps -aq --filter label=celery-chaos.keep) does).
  bool keep = false;
  // The swarm driver (--driver swarm): "own" (a swarm the harness initialises and leaves) or "existing" (the
  // engine's, --swarm existing); empty: the docker driver. Every instance the orchestrator would restart or replace
  // (a restart policy, restart_on_unhealthy, `deploy:`) is then a Swarm service (driver/docker/swarm_runtime.h);
  // the others stay containers.
  std::string swarm;
};
// The docker driver (driver/docker): connects to the engine (DOCKER_HOST or /var/run/docker.sock), checks that the
// image is present (pulled where the pull policy allows), and removes what dead harnesses left there.
// k_infrastructure when it cannot; k_invalid_input for an unknown pull policy. With `swarm` set, the swarm driver: it
// joins the swarm first (driver/docker/swarm_membership.h) and removes what dead harnesses left there.
util::Expected<std::unique_ptr<Driver>> make_docker_driver(const DockerOptions& options);

}  // namespace harness::driver
