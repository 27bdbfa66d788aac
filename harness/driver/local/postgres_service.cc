#include "harness/driver/local/postgres_service.h"

#include <libpq-fe.h>
#include <pwd.h>
#include <unistd.h>

#include "harness/datastore/postgres_client.h"
#include "harness/driver/local/binaries.h"
#include "harness/process/ports.h"
#include "harness/scenario/server_config.h"
#include "harness/util/private_dir.h"

namespace harness::driver::local {

namespace {
namespace fs = std::filesystem;

// Clients authenticate with scram-sha-256 everywhere once the cluster is bootstrapped: over TCP (reachable by every
// local user) and on the socket (reachable only by the harness's user, whose libpq connections carry the
// superuser's password: admin_conninfo).
constexpr const char* k_pg_hba_tcp = "host all all 127.0.0.1/32 scram-sha-256\n";
constexpr const char* k_pg_hba = "local all all scram-sha-256\nhost all all 127.0.0.1/32 scram-sha-256\n";

bool running_as_root() { return ::geteuid() == 0; }

// chown -R to the postgres user when running as root (postgres refuses to run as root). Its socket dir (-k) must
// be the postgres user's too, or the server cannot create its socket there.
util::Status chown_to_postgres(const fs::path& root) {
  if (!running_as_root()) return util::Status::ok();
  const passwd* pw = ::getpwnam("postgres");
  if (pw == nullptr) {
    return util::Status::infrastructure(
        "no 'postgres' user: install the Debian package postgresql (scripts/install-deps does)");
  }
  auto own = [&](const fs::path& p) { return ::lchown(p.c_str(), pw->pw_uid, pw->pw_gid) == 0; };
  if (!own(root)) return util::Status::infrastructure("cannot chown " + root.string() + " to postgres");
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!own(it->path())) return util::Status::infrastructure("cannot chown " + it->path().string() + " to postgres");
  }
  return util::Status::ok();
}

// initdb and postgres refuse to run as root. The child switches to the postgres user itself before exec (as
// `setpriv --reuid=postgres` does), so the pid held is the postmaster's: `runuser` would leave a root parent in
// between, and signals and the exit status would be the wrapper's.
process::SpawnOptions as_postgres(process::SpawnOptions options) {
  if (running_as_root()) options.run_as_user = "postgres";
  options.unset_environment = {"PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD", "PGDATA"};
  return options;
}

}  // namespace

// initdb takes ~0.8 s and copying a stopped template data dir ~0.08 s: initdb runs once per machine, into the cache.
util::Expected<fs::path> postgres_template(const fs::path& bin_dir, const StackPrograms* programs,
                                           const fs::path& cache_dir) {
  const fs::path target = cache_dir / ("pg-template-" + bin_dir.parent_path().filename().string());
  std::error_code ec;
  if (fs::exists(target / "PG_VERSION", ec)) return target;
  if (auto st = util::make_private_dir(cache_dir, util::service_traverse_group()); !st) return st;
  const fs::path scratch = cache_dir / ("pg-template.tmp-" + std::to_string(::getpid()) + "-" + random_token(4));
  if (auto st = make_dir(scratch); !st) return st;
  if (auto st = chown_to_postgres(scratch); !st) return st;
  process::SpawnOptions options;
  options.argv = {(bin_dir / "initdb").string(), "-D", (scratch / "data").string(), "-A", "trust", "-U", "postgres",
                  "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"};
  const auto result = programs && programs->run
                          ? programs->run(as_postgres(options), {cache_dir}, std::chrono::seconds{60})
                          : process::run_command(as_postgres(options), std::chrono::seconds{60});
  if (!result.succeeded()) {
    fs::remove_all(scratch, ec);
    return util::Status::infrastructure("initdb failed (" +
                                        (result.status ? result.status->describe() : std::string("timed out")) +
                                        "):\n" + result.output);
  }
  fs::rename(scratch / "data", target, ec);  // atomic: a concurrent run that won the race keeps its copy
  fs::remove_all(scratch, ec);
  if (!fs::exists(target / "PG_VERSION")) return util::Status::infrastructure("cannot create " + target.string());
  return target;
}

util::Expected<std::unique_ptr<PostgresService>> PostgresService::create(const scenario::Service& spec,
                                                                        const RunPaths& paths) {
  auto bin = paths.programs && !paths.programs->postgres_bin_dir.empty()
                 ? util::Expected<fs::path>(paths.programs->postgres_bin_dir)
                 : postgres_bin_dir();
  if (!bin) return bin.error();
  std::unique_ptr<PostgresService> service(
      new PostgresService(spec.name, paths.logs_dir / (spec.name + ".log"), paths.work_dir / spec.name, *bin));
  service->m_programs = paths.programs;
  auto port = process::allocate_port();
  if (!port) return port.error();
  service->m_port = *port;
  service->m_password = random_token(20);
  service->m_superuser_password = random_token(20);
  service->m_database = spec.database;
  service->m_settings = spec.server_config;
  service->m_cache_dir = paths.cache_dir;
  return service;
}

// A restart after a kill -9 fails with `lock file "postmaster.pid" already exists` until the dead postmaster has
// been reaped: it is this process's child, reaped by the Reaper as soon as it dies.
util::Status PostgresService::start() {
  auto templ = postgres_template(m_bin, m_programs, m_cache_dir);
  if (!templ) return templ.error();
  if (auto st = make_dir(m_dir); !st) return st;
  std::error_code ec;
  const fs::path data = m_dir / "data";
  if (fs::exists(data / "PG_VERSION")) {
    // A restart: boot on the same data (the role and database are still there).
    process::SpawnOptions options;
    options.argv = postgres_argv(data);
    options.working_directory = m_dir;
    return spawn(as_postgres(std::move(options)));
  }
  fs::copy(*templ, data, fs::copy_options::recursive, ec);
  if (ec) return util::Status::infrastructure("cannot copy the PostgreSQL template: " + ec.message());
  // The first boot trusts the socket, which only the harness's user (and root) can reach: bootstrap() connects
  // there to set the superuser's password, then requires passwords on the socket too (k_pg_hba).
  if (auto st = write_file(data / "pg_hba.conf", "local all all trust\n" + std::string(k_pg_hba_tcp)); !st) return st;
  if (auto st = make_dir(m_dir / "socket"); !st) return st;
  if (auto st = chown_to_postgres(m_dir); !st) return st;
  fs::permissions(data, fs::perms::owner_all, ec);

  process::SpawnOptions options;
  options.argv = postgres_argv(data);
  options.working_directory = m_dir;
  return spawn(as_postgres(std::move(options)));
}

// fsync, synchronous_commit and full_page_writes off (the data is discarded after the run) unless the scenario's
// `config:` sets them; its parameters follow as `-c key=value`. A parameter the server does not know, or a value it
// refuses, makes it exit at once with its own FATAL line (`unrecognized configuration parameter "x"`).
std::vector<std::string> PostgresService::postgres_argv(const std::filesystem::path& data) const {
  std::vector<std::string> argv{(m_bin / "postgres").string(), "-D", data.string(), "-p", std::to_string(m_port),
                                "-k", (m_dir / "socket").string(), "-c", "unix_socket_permissions=0700",
                                "-c", "listen_addresses=127.0.0.1", "-c", "logging_collector=off"};
  for (const char* key : {"fsync", "synchronous_commit", "full_page_writes"})
    if (!scenario::has_setting(m_settings, key, true)) argv.insert(argv.end(), {"-c", std::string(key) + "=off"});
  for (const auto& [key, value] : m_settings) argv.insert(argv.end(), {"-c", key + "=" + value});
  return argv;
}

std::string PostgresService::admin_conninfo(const std::string& dbname) const {
  return "host=" + (m_dir / "socket").string() + " port=" + std::to_string(m_port) + " user=postgres password=" +
         m_superuser_password + " dbname=" + dbname + " connect_timeout=2";
}

// A copied data dir accepts connections ~0.2-0.4 s after start.
ReadyPoll PostgresService::poll_ready() {
  if (auto status = exit_status()) return {Readiness::k_failed, exited_detail(*status)};
  if (PQping(admin_conninfo().c_str()) != PQPING_OK) return {Readiness::k_not_yet, "not accepting connections yet"};
  if (!m_bootstrapped) {
    if (auto st = bootstrap(); !st) return {Readiness::k_failed, failure_detail(st.message())};
    m_bootstrapped = true;
  }
  return {Readiness::k_ready, {}};
}

util::Status PostgresService::bootstrap() {
  using datastore::quote_identifier;
  using datastore::quote_literal;
  auto conn = datastore::PostgresClient::connect(admin_conninfo());
  if (!conn) return util::Status::infrastructure("cannot connect to bootstrap: " + conn.error().message());
  const std::string statements[] = {
      "ALTER ROLE postgres PASSWORD " + quote_literal(m_superuser_password),
      "CREATE ROLE " + quote_identifier(m_user) + " LOGIN PASSWORD " + quote_literal(m_password),
      "CREATE DATABASE " + quote_identifier(m_database) + " OWNER " + quote_identifier(m_user),
  };
  for (const auto& sql : statements) {
    if (auto done = conn->query(sql); !done) {
      return util::Status::infrastructure("bootstrap '" + sql.substr(0, sql.find(" PASSWORD")) +
                                          "' failed: " + done.error().message());
    }
  }
  // The superuser has its password: from now on the socket asks for it too.
  const fs::path hba = m_dir / "data" / "pg_hba.conf";
  if (auto st = write_file(hba, k_pg_hba); !st) return st;
  if (auto st = chown_to_postgres(hba); !st) return st;
  if (auto reload = conn->query("SELECT pg_reload_conf()"); !reload) {
    return util::Status::infrastructure("bootstrap 'SELECT pg_reload_conf()' failed: " + reload.error().message());
  }
  if (auto version = conn->query("SHOW server_version"); version && !version->empty()) {
    set_version(version->substr(0, version->find(' ')));
  }
  return util::Status::ok();
}

std::map<std::string, std::string> PostgresService::exec_environment() const {
  return {{"PGHOST", "127.0.0.1"},      {"PGPORT", std::to_string(m_port)}, {"PGUSER", m_user},
          {"PGPASSWORD", m_password},   {"PGDATABASE", m_database},         {"PATH", path_with_first(m_bin)}};
}

// backend_url names the psycopg2 dialect: SQLAlchemy 1.4 (Debian 12's) has no psycopg3 one, and Celery fails on
// db+postgresql+psycopg:// with NoSuchModuleError (python3-psycopg2 provides psycopg2).
std::map<std::string, std::string> PostgresService::placeholders() const {
  const auto port = std::to_string(m_port);
  const std::string auth = m_user + ":" + m_password + "@127.0.0.1:" + port + "/";
  std::map<std::string, std::string> table{
      {"host", "127.0.0.1"},
      {"port", port},
      {"user", m_user},
      {"password", m_password},
      {"database", m_database},
      {"url", "postgresql://" + auth + m_database},
      {"backend_url", "db+postgresql+psycopg2://" + auth + m_database},
      {"socket_dir", (m_dir / "socket").string()},
      {"dir", m_dir.string()},
  };
  for (const auto& [key, value] : m_settings) table["config." + key] = value;
  return table;
}

}  // namespace harness::driver::local
