// Pulling an absent image: references split as Docker splits them, the loopback-only default, the progress stream
// decoded, and present_or_pulled against a fake engine on a unix socket (the real pull from a registry on this
// machine is tests/integration/docker_user_image_test.cc).
#include "harness/driver/docker/image_pull.h"

#include <gtest/gtest.h>

#include <atomic>
#include <sstream>

#include "tests/datastore/http_test_server.h"
#include "tests/process/process_test_util.h"

namespace harness::driver::docker {
namespace {

TEST(ImagePull, splits_references_as_docker_does) {
  auto r = parse_image_reference("myorg/app:1.4");
  EXPECT_EQ(r.registry, "docker.io");
  EXPECT_EQ(r.name, "myorg/app");
  EXPECT_EQ(r.tag, "1.4");
  r = parse_image_reference("127.0.0.1:5000/teamapp");
  EXPECT_EQ(r.registry, "127.0.0.1:5000");
  EXPECT_EQ(r.name, "127.0.0.1:5000/teamapp");
  EXPECT_EQ(r.tag, "latest");
  r = parse_image_reference("localhost/team/app:2");
  EXPECT_EQ(r.registry, "localhost");
  EXPECT_EQ(r.tag, "2");
  r = parse_image_reference("registry.example.com/app@sha256:abc");
  EXPECT_EQ(r.registry, "registry.example.com");
  EXPECT_EQ(r.name, "registry.example.com/app");
  EXPECT_EQ(r.tag, "sha256:abc");
  EXPECT_EQ(parse_image_reference("redis").registry, "docker.io");
  EXPECT_EQ(parse_image_reference("rabbitmq:3.13-management").tag, "3.13-management");
}

TEST(ImagePull, pulls_by_default_only_from_a_registry_on_this_machine) {
  EXPECT_TRUE(registry_on_loopback("127.0.0.1:5000"));
  EXPECT_TRUE(registry_on_loopback("127.3.2.1"));
  EXPECT_TRUE(registry_on_loopback("localhost:5000"));
  EXPECT_TRUE(registry_on_loopback("[::1]:5000"));
  EXPECT_FALSE(registry_on_loopback("docker.io"));
  EXPECT_FALSE(registry_on_loopback("10.0.0.1:5000"));
  EXPECT_FALSE(registry_on_loopback("127.0.0.1.example.com"));
  EXPECT_FALSE(registry_on_loopback("localhost.example.com"));
  const auto local = parse_image_reference("127.0.0.1:5000/app:1");
  const auto hub = parse_image_reference("myorg/app:1");
  EXPECT_TRUE(pull_allowed(PullPolicy::k_loopback, local));
  EXPECT_FALSE(pull_allowed(PullPolicy::k_loopback, hub));
  EXPECT_TRUE(pull_allowed(PullPolicy::k_any, hub));
  EXPECT_FALSE(pull_allowed(PullPolicy::k_never, local));
  EXPECT_EQ(parse_pull_policy("any"), PullPolicy::k_any);
  EXPECT_FALSE(parse_pull_policy("always"));
}

// What Engine 20.10 streams for a pull (one message per line, \r\n), cut at arbitrary places.
constexpr const char* k_progress =
    "{\"status\":\"Pulling from teamapp\",\"id\":\"1\"}\r\n"
    "{\"status\":\"Pulling fs layer\",\"progressDetail\":{},\"id\":\"3f4a1b2c\"}\r\n"
    "{\"status\":\"Downloading\",\"progressDetail\":{\"current\":100,\"total\":900},\"progress\":\"[=> ]\","
    "\"id\":\"3f4a1b2c\"}\r\n"
    "{\"status\":\"Downloading\",\"progressDetail\":{\"current\":500,\"total\":900},\"progress\":\"[===> ]\","
    "\"id\":\"3f4a1b2c\"}\r\n"
    "{\"status\":\"Pull complete\",\"progressDetail\":{},\"id\":\"3f4a1b2c\"}\r\n"
    "{\"status\":\"Digest: sha256:0123\"}\r\n"
    "{\"status\":\"Status: Downloaded newer image for 127.0.0.1:5000/teamapp:1\"}\r\n";

TEST(ImagePull, shows_each_layers_status_once_per_change) {
  std::ostringstream out;
  PullProgress progress("127.0.0.1:5000/teamapp:1", out);
  const std::string all = k_progress;
  for (std::size_t at = 0; at < all.size(); at += 37) progress.feed(std::string_view(all).substr(at, 37));
  progress.finish();
  EXPECT_EQ(out.str(),
            "pull 127.0.0.1:5000/teamapp:1: 1: Pulling from teamapp\n"
            "pull 127.0.0.1:5000/teamapp:1: 3f4a1b2c: Pulling fs layer\n"
            "pull 127.0.0.1:5000/teamapp:1: 3f4a1b2c: Downloading\n"
            "pull 127.0.0.1:5000/teamapp:1: 3f4a1b2c: Pull complete\n"
            "pull 127.0.0.1:5000/teamapp:1: Digest: sha256:0123\n"
            "pull 127.0.0.1:5000/teamapp:1: Status: Downloaded newer image for 127.0.0.1:5000/teamapp:1\n");
  EXPECT_EQ(progress.error(), "");
  EXPECT_EQ(progress.layers(), 1);
}

TEST(ImagePull, an_error_inside_a_200_stream_is_the_pulls_error) {
  std::ostringstream out;
  PullProgress progress("127.0.0.1:5000/x:1", out);
  progress.feed("{\"status\":\"Pulling from x\",\"id\":\"1\"}\r\n{\"errorDetail\":{\"message\":\"manifest unknown\"},"
                "\"error\":\"manifest unknown\"}");
  progress.finish();  // the last message had no newline
  EXPECT_EQ(progress.error(), "manifest unknown");
}

// A fake engine at the seam: /version, an image that appears once POST /images/create streamed its progress (or
// an error inside the 200 stream, as a registry without the image gives).
class FakeEngine {
public:
  explicit FakeEngine(bool pull_fails)
      : m_server(m_socket.path(), [this, pull_fails](const auto& request) -> std::optional<std::string> {
          const std::string target(request.target());
          if (target == "/version")
            return datastore_test::HttpTestServer::reply(200, R"({"ApiVersion":"1.41","Version":"20.10.24"})");
          if (target.find("/images/create?fromImage=127.0.0.1%3A5999%2Fteamapp&tag=1") != std::string::npos) {
            ++m_pulls;
            if (!pull_fails) m_present = true;
            const std::string body = pull_fails ? R"({"error":"manifest for 127.0.0.1:5999/teamapp:1 not found"})"
                                                : std::string(k_progress);
            return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
                   to_hex(body.size()) + "\r\n" + body + "\r\n0\r\n\r\n";
          }
          if (target.find("/json") != std::string::npos)
            return m_present ? datastore_test::HttpTestServer::reply(200, R"({"Config":{"Env":["A=1"]}})")
                             : datastore_test::HttpTestServer::reply(404, R"({"message":"No such image"})");
          return datastore_test::HttpTestServer::reply(500, R"({"message":"unexpected"})");
        }) {}
  Engine connect() { return Engine::connect(m_socket.path()).value(); }
  int pulls() const { return m_pulls; }

private:
  static std::string to_hex(std::size_t n) {
    std::ostringstream out;
    out << std::hex << n;
    return out.str();
  }
  process_test::TempPath m_socket{"fake-engine"};  // the unix socket itself
  std::atomic<bool> m_present{false};
  std::atomic<int> m_pulls{0};
  datastore_test::HttpTestServer m_server;
};

TEST(ImagePull, an_absent_image_on_a_loopback_registry_is_pulled_with_progress) {
  FakeEngine fake(false);
  const Engine engine = fake.connect();
  std::ostringstream progress;
  auto image = present_or_pulled(engine, "127.0.0.1:5999/teamapp:1", PullPolicy::k_loopback, progress, "image X",
                                 "build it");
  ASSERT_TRUE(image) << image.error().message();
  EXPECT_EQ((*image)["Config"]["Env"][0], "A=1");
  EXPECT_EQ(fake.pulls(), 1);
  EXPECT_NE(progress.str().find("pull 127.0.0.1:5999/teamapp:1: from 127.0.0.1:5999\n"), std::string::npos);
  EXPECT_NE(progress.str().find("3f4a1b2c: Pull complete"), std::string::npos) << progress.str();
}

TEST(ImagePull, a_failed_pull_names_the_image_the_registry_and_the_engines_reason) {
  FakeEngine fake(true);
  const Engine engine = fake.connect();
  std::ostringstream progress;
  auto image = present_or_pulled(engine, "127.0.0.1:5999/teamapp:1", PullPolicy::k_loopback, progress,
                                 "image 127.0.0.1:5999/teamapp:1 of service 'worker'", "build it or pull it first");
  ASSERT_FALSE(image);
  EXPECT_EQ(image.error().kind(), util::ErrorKind::k_infrastructure);
  EXPECT_NE(image.error().message().find(
                "image 127.0.0.1:5999/teamapp:1 of service 'worker' is not present in the engine at unix://"),
            std::string::npos)
      << image.error().message();
  EXPECT_NE(image.error().message().find(" and pulling it from 127.0.0.1:5999 failed (manifest for "
                                         "127.0.0.1:5999/teamapp:1 not found): build it or pull it first"),
            std::string::npos)
      << image.error().message();
}

TEST(ImagePull, the_policy_keeps_a_pull_from_happening_and_says_so) {
  FakeEngine fake(false);
  const Engine engine = fake.connect();
  std::ostringstream progress;
  auto never = present_or_pulled(engine, "127.0.0.1:5999/teamapp:1", PullPolicy::k_never, progress, "image X", "how");
  ASSERT_FALSE(never);
  EXPECT_NE(never.error().message().find("and was not pulled (--pull never): how"), std::string::npos)
      << never.error().message();
  auto hub = present_or_pulled(engine, "myorg/app:1", PullPolicy::k_loopback, progress, "image myorg/app:1", "how");
  ASSERT_FALSE(hub);
  EXPECT_NE(hub.error().message().find("and was not pulled: its registry docker.io is not on this machine, and the "
                                       "harness pulls only from a registry on 127.0.0.1 or localhost unless run "
                                       "with --pull any: how"),
            std::string::npos)
      << hub.error().message();
  EXPECT_EQ(fake.pulls(), 0);
  EXPECT_EQ(progress.str(), "");
}

}  // namespace
}  // namespace harness::driver::docker
