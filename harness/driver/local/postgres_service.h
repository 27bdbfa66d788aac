#pragma once
// A private PostgreSQL cluster. initdb runs once per machine into a template (~0.8 s); each run copies it
// (~0.08 s). As root, postgres runs as the `postgres` user (it refuses root) and exec's directly, so the pid we
// hold is the postmaster, reaped by the Reaper (a dead postmaster must be reaped before its data dir can be
// reused: "lock file postmaster.pid already exists"). Listens on 127.0.0.1 and a private socket dir (0700, unix_socket_permissions 0700: only
// the user running it, and root, can connect there); the harness bootstraps over the socket: a generated password
// for the superuser, a role with a generated password and the scenario's database. From then on every connection
// needs a password (scram-sha-256), on TCP and on the socket. Ready = PQping OK and bootstrap done.
#include "harness/driver/driver.h"
#include "harness/driver/local/local_service.h"

namespace harness::driver::local {

class PostgresService final : public LocalService {
public:
  static util::Expected<std::unique_ptr<PostgresService>> create(const scenario::Service& spec,
                                                                 const RunPaths& paths);

  std::string kind() const override { return "postgres"; }
  util::Status start() override;
  ReadyPoll poll_ready() override;
  std::string readiness_condition() const override {
    return "PQping answers on its socket in " + (m_dir / "socket").string() +
           ", then its role and database are created";
  }
  std::map<std::string, std::string> placeholders() const override;
  std::vector<std::uint16_t> ports() const override { return {m_port}; }
  // libpq's PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE (the scenario's role and database over TCP, as
  // {{NAME.url}}) and the server's bin dir first on PATH: `psql -c ...`, `pg_isready` reach this cluster.
  std::map<std::string, std::string> exec_environment() const override;
  // A killed postmaster leaves its System V shared memory segment and /dev/shm files behind: its fast shutdown
  // (SIGTERM to the group) takes well under a second.
  std::chrono::milliseconds teardown_grace() const override { return std::chrono::milliseconds{5000}; }

  // libpq connection string over the private socket as the superuser, with its password (for faults and checks).
  std::string admin_conninfo(const std::string& dbname = "postgres") const override;

private:
  PostgresService(std::string name, std::filesystem::path log, std::filesystem::path dir, std::filesystem::path bin)
      : LocalService(name, name, std::move(log)), m_dir(std::move(dir)), m_bin(std::move(bin)) {}
  util::Status bootstrap();
  std::vector<std::string> postgres_argv(const std::filesystem::path& data) const;

  std::filesystem::path m_dir;
  std::filesystem::path m_cache_dir;
  std::filesystem::path m_bin;
  const StackPrograms* m_programs = nullptr;  // RunPaths::programs
  std::string m_user = "celery";
  std::string m_password;
  std::string m_superuser_password;  // of `postgres`: the harness's own connections
  std::string m_database;
  std::map<std::string, std::string> m_settings;  // the scenario's `config:` (PostgreSQL parameters)
  std::uint16_t m_port = 0;
  bool m_bootstrapped = false;
};

// The cached, stopped template data dir for the PostgreSQL in `bin_dir` (one per major version), created on first
// use (concurrency-safe): initdb runs on this machine, or where `programs` runs commands (an image stack's own).
util::Expected<std::filesystem::path> postgres_template(const std::filesystem::path& bin_dir,
                                                        const StackPrograms* programs,
                                                        const std::filesystem::path& cache_dir);

}  // namespace harness::driver::local
