// Other users of the machine cannot reach a run's services, and nothing of a run listens outside loopback.
// One live run (RabbitMQ, a Redis with a sentinel, PostgreSQL) is held open by an exec step while the tests look
// at it. As root, `nobody` (setpriv --reuid=nobody --regid=nogroup --clear-groups) tries what any other local
// user could: the PostgreSQL socket, PostgreSQL over TCP without the password, the RabbitMQ config. Those tests
// skip when not root: only root can act as another user.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <map>

#include "tests/integration/cli_harness.h"

namespace {
namespace fs = std::filesystem;
using testing::HasSubstr;
using testing::Not;

bool is_root() { return ::geteuid() == 0; }

#define REQUIRE_ROOT()                                                                                    \
  do {                                                                                                    \
    if (!is_root()) GTEST_SKIP() << "needs root to act as the user nobody (setpriv); running as uid " << ::geteuid(); \
  } while (0)

// A run of the CLI held open by its exec step, which writes `marker` (the placeholders the tests need) and then
// waits until `done` exists (polling): the services stay up in between.
class LiveRun {
public:
  LiveRun() {
    const auto marker = m_dir.path() / "marker";
    const auto done = m_dir.path() / "done";
    const auto file = m_dir.write("stack.yaml", R"(name: stack
timeout: 5m
services:
  broker: {image: rabbitmq}
  cache: {image: redis, replicas: 1, sentinels: 1}
  db: {image: postgres, database: perms}
steps:
  - exec:
      command: >-
        printf '%s\n' '{{db.socket_dir}}' '{{db.port}}' '{{broker.dir}}' '{{cache.password}}' '{{run.dir}}'
        > )" + marker.string() + R"(.tmp && mv )" + marker.string() + ".tmp " + marker.string() + R"(
        && while [ ! -e )" + done.string() + R"( ]; do sleep 0.1; done
      timeout: 4m
)");
    harness::process::SpawnOptions options;
    options.argv = {CELERY_CHAOS_BINARY, "run", file.string(), "--report-dir", (m_dir.path() / "reports").string()};
    options.log_file = m_dir.path() / "harness.log";
    // A work base of its own: harnesses of other checkouts on the machine share the default one.
    options.environment = {{"CELERY_CHAOS_WORK_DIR", (m_dir.path() / "work").string()}};
    auto child = harness::process::ChildProcess::spawn(options);
    if (!child) {
      m_error = child.error().message();
      return;
    }
    m_harness = std::move(child.value());
    if (!test::eventually([&] { return fs::exists(marker) || !m_harness->running(); }, std::chrono::seconds{180}) ||
        !fs::exists(marker)) {
      m_error = "the run did not reach its exec step:\n" + log();
      return;
    }
    std::istringstream in(test::read_file(marker));
    std::getline(in, m_socket_dir);
    std::getline(in, m_pg_port);
    std::getline(in, m_broker_dir);
    std::getline(in, m_redis_password);
    std::getline(in, m_run_dir);
  }
  ~LiveRun() {
    std::ofstream(m_dir.path() / "done") << "";
    if (m_harness) m_harness->wait_for(std::chrono::seconds{60});
  }

  const std::string& error() const { return m_error; }
  pid_t harness_pid() const { return m_harness ? m_harness->pid() : -1; }
  std::string log() const { return test::read_file(m_dir.path() / "harness.log"); }
  fs::path report_dir() const { return m_dir.path() / "reports"; }

  std::string m_socket_dir, m_pg_port, m_broker_dir, m_redis_password, m_run_dir;

private:
  test::TempDir m_dir;
  std::unique_ptr<harness::process::ChildProcess> m_harness;
  std::string m_error;
};

// `command` run by sh as the user nobody, with an environment that names no file of root's.
test::CliResult as_nobody(const std::string& command) {
  harness::process::SpawnOptions options;
  options.argv = {"setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "sh", "-c", command};
  options.environment = {{"HOME", "/"}, {"PGPASSFILE", "/nonexistent/pgpass"}};
  options.unset_environment = {"PGPASSWORD", "PGUSER", "PGHOST", "PGPORT"};
  options.working_directory = "/";
  const auto result = harness::process::run_command(options, std::chrono::seconds{30});
  return {result.status ? result.status->code : -1, result.output};
}

std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class RunIsolation : public testing::Test {
protected:
  void SetUp() override {
    REQUIRE_SERVICES();
    if (!test::have("/usr/bin/redis-sentinel")) GTEST_SKIP() << "redis-sentinel not installed (scripts/install-deps)";
    if (!s_run) s_run = std::make_unique<LiveRun>();
    ASSERT_TRUE(s_run->error().empty()) << s_run->error();
  }
  static void TearDownTestSuite() { s_run.reset(); }
  static LiveRun& run() { return *s_run; }

private:
  static inline std::unique_ptr<LiveRun> s_run;
};

TEST_F(RunIsolation, nobody_cannot_connect_to_the_postgres_socket) {
  REQUIRE_ROOT();
  const auto r = as_nobody("psql -h '" + run().m_socket_dir + "' -p " + run().m_pg_port +
                           " -U postgres -w -Atc \"select 'answer-' || 6 * 7\"");
  EXPECT_NE(r.exit_code, 0) << r.output;
  // What the query would print (the error names paths, whose pids may hold any digits: "42" alone was flaky).
  EXPECT_THAT(r.output, Not(HasSubstr("answer-42")));
  EXPECT_THAT(r.output, HasSubstr("Permission denied"));
}

TEST_F(RunIsolation, nobody_cannot_connect_to_postgres_over_tcp_without_the_password) {
  REQUIRE_ROOT();
  for (const std::string user : {"postgres", "celery"}) {
    const auto r = as_nobody("psql -h 127.0.0.1 -p " + run().m_pg_port + " -U " + user + " -w -d postgres -Atc 'select 42'");
    EXPECT_NE(r.exit_code, 0) << user << ": " << r.output;
    EXPECT_THAT(r.output, HasSubstr("no password supplied")) << user;
  }
}

// Once bootstrapped, the socket too asks for a password: whoever reaches it is not let in on trust.
TEST_F(RunIsolation, the_postgres_socket_asks_for_the_password) {
  harness::process::SpawnOptions options;
  options.argv = {"psql", "-h", run().m_socket_dir, "-p", run().m_pg_port, "-U", "postgres", "-w", "-Atc", "select 42"};
  options.environment = {{"PGPASSFILE", "/nonexistent/pgpass"}};
  options.unset_environment = {"PGPASSWORD"};
  const auto result = harness::process::run_command(options, std::chrono::seconds{30});
  ASSERT_TRUE(result.status.has_value());
  EXPECT_NE(result.status->code, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("no password supplied"));
}

TEST_F(RunIsolation, nobody_cannot_read_the_rabbitmq_config) {
  REQUIRE_ROOT();
  const auto conf = run().m_broker_dir + "/rabbitmq.conf";
  ASSERT_TRUE(std::filesystem::exists(conf)) << conf;
  const auto r = as_nobody("cat '" + conf + "'");
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("Permission denied"));
  EXPECT_THAT(r.output, Not(HasSubstr("default_pass")));
  struct stat st {};
  ASSERT_EQ(::stat(conf.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << conf;
}

TEST_F(RunIsolation, the_redis_password_is_on_no_command_line) {
  int seen = 0;
  for (pid_t pid : test::processes_owned_by(run().harness_pid())) {
    const std::string proc = "/proc/" + std::to_string(pid);
    std::string comm = test::read_file(proc + "/comm");
    comm = comm.substr(0, comm.find('\n'));
    if (comm != "redis-server" && comm != "redis-sentinel") continue;
    ++seen;
    std::string cmdline = read_bytes(proc + "/cmdline");
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    EXPECT_THAT(cmdline, Not(HasSubstr(run().m_redis_password))) << comm << " (pid " << pid << ")";
  }
  EXPECT_EQ(seen, 3) << "expected the run's two redis-server (master, replica) and its redis-sentinel";
}

TEST_F(RunIsolation, the_runs_folders_are_closed_to_other_users_and_its_reports_readable) {
  const std::filesystem::path run_dir = run().m_run_dir;
  for (const auto& dir : {run_dir.parent_path().parent_path(), run_dir.parent_path(), run_dir,
                          std::filesystem::path(run().m_broker_dir)}) {
    struct stat st {};
    ASSERT_EQ(::lstat(dir.c_str(), &st), 0) << dir;
    EXPECT_EQ(st.st_mode & 07, 0u) << dir << " is open to other users: mode " << std::oct << (st.st_mode & 0777);
    EXPECT_EQ(st.st_uid, ::geteuid()) << dir;
  }
  fs::path report;  // reports/<run id>/ (`latest` is pointed at it only when the run ends)
  for (const auto& entry : fs::directory_iterator(run().report_dir())) report = entry.path();
  ASSERT_FALSE(report.empty());
  struct stat st {};
  ASSERT_EQ(::stat(report.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 05, 05u) << report << " mode " << std::oct << (st.st_mode & 0777);
}

// A listening socket of the run: "ADDRESS:PORT" (IPv6 in brackets) and whether the address is loopback.
struct Listener {
  std::string address;
  bool loopback = false;
};

// Every listening TCP socket (from /proc/net/tcp and tcp6) by its inode.
std::map<std::string, Listener> listening_sockets() {
  std::map<std::string, Listener> out;
  for (const bool v6 : {false, true}) {
    std::istringstream in(test::read_file(v6 ? "/proc/net/tcp6" : "/proc/net/tcp"));
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state, skip, inode;
      fields >> slot >> local >> remote >> state;
      if (state != "0A") continue;  // TCP_LISTEN
      for (int i = 0; i < 5; ++i) fields >> skip;  // tx:rx tr:when retrnsmt uid timeout
      fields >> inode;
      const auto colon = local.find(':');
      const std::string hex = local.substr(0, colon);
      const int port = std::stoi(local.substr(colon + 1), nullptr, 16);
      // The kernel prints the address as 32-bit words in host byte order.
      unsigned char bytes[16] = {};
      for (std::size_t w = 0; w < hex.size() / 8; ++w) {
        const std::uint32_t word = static_cast<std::uint32_t>(std::stoul(hex.substr(w * 8, 8), nullptr, 16));
        std::memcpy(bytes + w * 4, &word, 4);
      }
      char text[INET6_ADDRSTRLEN] = {};
      ::inet_ntop(v6 ? AF_INET6 : AF_INET, bytes, text, sizeof text);
      Listener l;
      l.address = v6 ? "[" + std::string(text) + "]:" + std::to_string(port) : std::string(text) + ":" + std::to_string(port);
      in6_addr a6{};
      std::memcpy(&a6, bytes, 16);
      l.loopback = v6 ? (IN6_IS_ADDR_LOOPBACK(&a6) || (IN6_IS_ADDR_V4MAPPED(&a6) && bytes[12] == 127)) : bytes[0] == 127;
      out.emplace(inode, l);
    }
  }
  return out;
}

// What README promises: every service binds loopback only. RabbitMQ's epmd binds 127.0.0.1 and, whatever it is
// told, also [::1] (its source always adds both loopbacks when given an address): both are loopback.
TEST_F(RunIsolation, nothing_of_the_run_listens_outside_loopback) {
  const auto sockets = listening_sockets();
  std::vector<std::string> seen;
  for (pid_t pid : test::processes_owned_by(run().harness_pid())) {
    std::error_code ec;
    for (const auto& fd : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
      const auto target = std::filesystem::read_symlink(fd.path(), ec).string();
      if (ec || !target.starts_with("socket:[")) continue;
      const auto it = sockets.find(target.substr(8, target.size() - 9));
      if (it == sockets.end()) continue;
      std::string comm = test::read_file("/proc/" + std::to_string(pid) + "/comm");
      comm = comm.substr(0, comm.find('\n'));
      seen.push_back(comm + " " + it->second.address);
      EXPECT_TRUE(it->second.loopback) << comm << " (pid " << pid << ") listens on " << it->second.address;
    }
  }
  // AMQP, dist, management, epmd; redis; sentinel; postgres: at least 7 listeners.
  EXPECT_GE(seen.size(), 7u) << testing::PrintToString(seen);
  const bool epmd_seen = std::any_of(seen.begin(), seen.end(), [](const std::string& s) { return s.starts_with("epmd "); });
  EXPECT_TRUE(epmd_seen) << testing::PrintToString(seen);
}

// A work base that is a symbolic link is refused before anything starts: another user could point it anywhere.
// Runs a one-Redis scenario with CELERY_CHAOS_WORK_DIR=work_base.
harness::process::CommandResult run_on_work_base(const test::TempDir& dir, const std::filesystem::path& work_base) {
  const auto file = dir.write("s.yaml", "name: s\nservices:\n  cache: {image: redis}\n");
  harness::process::SpawnOptions options;
  options.argv = {CELERY_CHAOS_BINARY, "run", file.string(), "--report-dir", (dir.path() / "reports").string()};
  options.environment = {{"CELERY_CHAOS_WORK_DIR", work_base.string()}};
  return harness::process::run_command(options, std::chrono::seconds{120});
}

TEST(WorkFolder, a_symlinked_work_base_is_refused) {
  test::TempDir dir;
  std::filesystem::create_directories(dir.path() / "elsewhere");
  std::filesystem::create_directory_symlink(dir.path() / "elsewhere", dir.path() / "work");
  const auto result = run_on_work_base(dir, dir.path() / "work");
  ASSERT_TRUE(result.status.has_value());
  EXPECT_EQ(result.status->code, 3) << result.output;
  EXPECT_THAT(result.output, HasSubstr("celery-chaos: cannot use the folder " + (dir.path() / "work").string() +
                                       ": it is a symbolic link (refused: it could point anywhere)"));
  EXPECT_TRUE(std::filesystem::is_empty(dir.path() / "elsewhere"));
}

// A work base owned by another user is refused: its owner could read or replace what the run puts there.
TEST(WorkFolder, a_work_base_owned_by_another_user_is_refused) {
  REQUIRE_ROOT();
  test::TempDir dir;
  std::filesystem::create_directories(dir.path() / "work");
  ASSERT_EQ(::chown((dir.path() / "work").c_str(), 65534, 65534), 0);
  const auto result = run_on_work_base(dir, dir.path() / "work");
  ASSERT_TRUE(result.status.has_value());
  EXPECT_EQ(result.status->code, 3) << result.output;
  EXPECT_THAT(result.output, HasSubstr("celery-chaos: cannot use the folder " + (dir.path() / "work").string() +
                                       ": it is owned by uid 65534, not by this user (uid 0)"));
  EXPECT_TRUE(std::filesystem::is_empty(dir.path() / "work"));
}

}  // namespace
