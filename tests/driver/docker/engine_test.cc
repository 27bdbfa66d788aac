#include "harness/driver/docker/engine.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "harness/driver/docker/container_runtime.h"
#include "harness/driver/docker/docker_sweep.h"
#include "harness/driver/docker/host_network.h"

namespace harness::driver::docker {
namespace {

TEST(Engine, speaks_the_engines_api_version_capped_at_the_newest_known) {
  EXPECT_EQ(negotiate_api_version("1.41"), "1.41");
  EXPECT_EQ(negotiate_api_version("1.43"), "1.43");
  EXPECT_EQ(negotiate_api_version("1.47"), "1.45");
  EXPECT_EQ(negotiate_api_version("1.40"), "");
  EXPECT_EQ(compare_api_versions("1.9", "1.10"), -1);
}

struct ScopedDockerHost {
  explicit ScopedDockerHost(const char* value) {
    if (const char* old = std::getenv("DOCKER_HOST")) m_old = old;
    if (value) ::setenv("DOCKER_HOST", value, 1); else ::unsetenv("DOCKER_HOST");
  }
  ~ScopedDockerHost() {
    if (m_old) ::setenv("DOCKER_HOST", m_old->c_str(), 1); else ::unsetenv("DOCKER_HOST");
  }
  std::optional<std::string> m_old;
};

TEST(Engine, finds_the_socket_in_DOCKER_HOST_or_the_default) {
  {
    ScopedDockerHost host(nullptr);
    const auto socket = Engine::socket_from_environment().value();
    EXPECT_TRUE(socket == "/var/run/docker.sock" || socket == "/run/celery-chaos-docker/docker.sock") << socket;
  }
  {
    ScopedDockerHost host("unix:///run/x/docker.sock");
    EXPECT_EQ(Engine::socket_from_environment().value(), "/run/x/docker.sock");
  }
  ScopedDockerHost host("tcp://10.0.0.1:2375");
  const auto refused = Engine::socket_from_environment();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message(),
            "DOCKER_HOST=tcp://10.0.0.1:2375 is not a unix socket: the docker driver only speaks to an engine on "
            "this machine (unix:///var/run/docker.sock)");
}

TEST(Engine, no_engine_at_the_socket_names_it_and_how_to_start_one) {
  const auto engine = Engine::connect("/nonexistent/docker.sock");
  ASSERT_FALSE(engine);
  EXPECT_EQ(engine.error().kind(), util::ErrorKind::k_infrastructure);
  const auto& message = engine.error().message();
  EXPECT_NE(message.find("no Docker engine answers at unix:///nonexistent/docker.sock"), std::string::npos) << message;
  EXPECT_NE(message.find("scripts/dockerd start"), std::string::npos) << message;
}

TEST(HostNetwork, only_docker_desktop_runs_its_engine_in_a_vm) {
  EXPECT_TRUE(engine_in_a_vm(nlohmann::json{{"OperatingSystem", "Docker Desktop"}}));
  EXPECT_TRUE(engine_in_a_vm(nlohmann::json{{"OperatingSystem", "Docker Desktop 4.30.0 (149282)"}}));
  EXPECT_FALSE(engine_in_a_vm(nlohmann::json{{"OperatingSystem", "Debian GNU/Linux 12 (bookworm)"}}));
  EXPECT_FALSE(engine_in_a_vm(nlohmann::json::object()));
  EXPECT_FALSE(engine_in_a_vm(nullptr));
}

TEST(ContainerRuntime, reads_128_plus_n_as_death_by_signal_n) {
  EXPECT_EQ(exit_status_from_code(137).signal, 9);
  EXPECT_EQ(exit_status_from_code(143).describe(), "killed by SIGTERM");
  EXPECT_EQ(exit_status_from_code(0).code, 0);
  EXPECT_EQ(exit_status_from_code(1).describe(), "exit code 1");
}

TEST(DockerSweep, filters_containers_by_label_url_encoded) {
  EXPECT_EQ(label_filter({{"celery-chaos.run", "r1"}}), "%7B%22label%22%3A%5B%22celery-chaos.run%3Dr1%22%5D%7D");
  EXPECT_EQ(label_filter({{"celery-chaos.owner", ""}}), "%7B%22label%22%3A%5B%22celery-chaos.owner%22%5D%7D");
}

}  // namespace
}  // namespace harness::driver::docker
