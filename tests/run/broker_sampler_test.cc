// The broker sampler and the queue-depth poll, with the RabbitMQ management API played by an in-process HTTP
// server on 127.0.0.1 (its port given to the Stack as the broker's management_port placeholder).
#include "harness/run/broker_sampler.h"

#include <gtest/gtest.h>

#include "harness/check/queue_check.h"
#include "tests/datastore/http_test_server.h"
#include "tests/process/process_test_util.h"
#include "tests/scenario/scenario_test_util.h"

namespace harness::run {
namespace {

using datastore_test::HttpTestServer;

class BrokerSamplerTest : public ::testing::Test {
protected:
  BrokerSamplerTest() { std::filesystem::create_directories(m_dir.path()); }
  // The stack of one broker whose management API listens on `port`.
  void use_port(std::uint16_t port) {
    m_stack.add_placeholders({{"broker.management_port", std::to_string(port)},
                              {"broker.user", "guest"},
                              {"broker.password", "secret"}});
  }
  std::vector<history::Event> events(history::EventType type) const {
    std::vector<history::Event> out;
    for (const auto& e : m_history.events())
      if (history::is(e, type)) out.push_back(e);
    return out;
  }
  // Polls the History (no fixed sleep) until it holds a broker.sample, for at most 10 s.
  std::vector<history::Event> first_samples() const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
    while (events(history::EventType::k_broker_sample).empty() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds{5});
    return events(history::EventType::k_broker_sample);
  }

  process_test::TempPath m_dir{"broker-sampler"};
  util::RealClock m_clock;
  history::History m_history{m_clock, m_dir.path() / "history.jsonl"};
  stack::RunControl m_control{m_clock, std::chrono::minutes{5}};
  stack::Stack m_stack{{}, m_history, m_control, m_clock};
  // The queue check's wait between readings: the run's, which ends early when the run must stop.
  std::function<bool(std::chrono::milliseconds)> sleep() {
    return [this](std::chrono::milliseconds d) { return m_control.sleep_for(d); };
  }
};

// A management API with queue `celery` (3 messages) and `idle` (0), and three connections.
std::optional<std::string> management_api(const HttpTestServer::Request& request) {
  if (request.target() == "/api/queues/%2F?columns=name,messages")
    return HttpTestServer::reply(200, R"([{"name":"celery","messages":3},{"name":"idle"}])");
  if (request.target() == "/api/connections?columns=name,state")
    return HttpTestServer::reply(200, R"([{"state":"running"},{"state":"blocked"},{"state":"running"},{}])");
  if (request.target() == "/api/queues/%2F/celery")
    return HttpTestServer::reply(200, R"({"messages":3,"messages_ready":2,"messages_unacknowledged":1})");
  if (request.target() == "/api/queues/%2F/odd%20name") return HttpTestServer::reply(500, "boom");
  return HttpTestServer::reply(404, R"({"error":"Object Not Found"})");
}

TEST_F(BrokerSamplerTest, sample_records_queue_depths_and_connection_states) {
  HttpTestServer server(management_api);
  use_port(server.port());
  BrokerSampler sampler(m_stack, m_history, {"broker"}, std::chrono::milliseconds{10});
  const auto samples = first_samples();
  sampler.stop();
  ASSERT_FALSE(samples.empty());
  EXPECT_EQ(samples[0].service, "broker");
  EXPECT_EQ(samples[0].data, nlohmann::json::parse(R"({"queues":{"celery":3,"idle":0},
                                                      "connections":{"running":2,"blocked":1,"unknown":1}})"));
  const auto seen = server.requests();
  ASSERT_GE(seen.size(), 2u);
  EXPECT_EQ(seen[0][boost::beast::http::field::authorization], "Basic Z3Vlc3Q6c2VjcmV0");  // guest:secret
}

TEST_F(BrokerSamplerTest, sample_of_an_api_that_fails_records_the_error) {
  HttpTestServer server([](const auto& request) -> std::optional<std::string> {
    if (request.target() == "/api/connections?columns=name,state") return HttpTestServer::reply(503, "starting");
    return management_api(request);
  });
  use_port(server.port());
  BrokerSampler sampler(m_stack, m_history, {"broker"}, std::chrono::milliseconds{10});
  const auto samples = first_samples();
  sampler.stop();
  ASSERT_FALSE(samples.empty());
  EXPECT_EQ(samples[0].data,
            nlohmann::json::parse(R"({"error":"GET /api/connections?columns=name,state: HTTP 503 starting"})"));
}

TEST_F(BrokerSamplerTest, no_brokers_records_nothing) {
  BrokerSampler sampler(m_stack, m_history, {}, std::chrono::milliseconds{10});
  sampler.stop();
  EXPECT_TRUE(events(history::EventType::k_broker_sample).empty());
}

TEST_F(BrokerSamplerTest, queue_depth_is_messages_ready_plus_unacked) {
  HttpTestServer server(management_api);
  use_port(server.port());
  const auto samples = check::poll_queue_depth(
      m_stack, m_history, "broker", "celery", [](std::int64_t depth) { return depth == 3; },
      std::chrono::seconds{10}, sleep());
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_TRUE(history::is(samples[0], history::EventType::k_queue_sample));
  EXPECT_EQ(samples[0].data, nlohmann::json::parse(R"({"queue":"celery","depth":3,"ready":2,"unacked":1})"));
}

TEST_F(BrokerSamplerTest, missing_queue_has_depth_zero) {
  HttpTestServer server(management_api);
  use_port(server.port());
  const auto samples = check::poll_queue_depth(
      m_stack, m_history, "broker", "gone", [](std::int64_t) { return true; }, std::chrono::seconds{10}, sleep());
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_EQ(samples[0].data, nlohmann::json::parse(R"({"queue":"gone","depth":0,"exists":false})"));
}

TEST_F(BrokerSamplerTest, queue_poll_records_errors_and_reads_once_without_time) {
  HttpTestServer server(management_api);
  use_port(server.port());
  const auto samples = check::poll_queue_depth(
      m_stack, m_history, "broker", "odd name", [](std::int64_t) { return true; }, std::chrono::milliseconds{0},
      sleep());
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_EQ(samples[0].data, nlohmann::json::parse(R"({"queue":"odd name","error":"HTTP 500 boom"})"));
  EXPECT_EQ(server.requests().at(0).target(), "/api/queues/%2F/odd%20name");
}

TEST_F(BrokerSamplerTest, queue_poll_of_an_unknown_broker_records_why) {
  const auto samples = check::poll_queue_depth(
      m_stack, m_history, "cache", "celery", [](std::int64_t) { return true; }, std::chrono::milliseconds{0},
      sleep());
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_EQ(samples[0].data["error"], "'cache' is not a rabbitmq service of this run");
}

TEST(BrokerSamplerSelectionTest, samples_rabbitmq_brokers_that_a_fault_or_connections_check_names) {
  const auto scenario = scenario::testing::load_ok(
      "name: t\nservices:\n  broker: {image: rabbitmq}\n  other: {image: rabbitmq}\n  quiet: {image: rabbitmq}\n"
      "  cache: {image: redis}\n"
      "steps:\n  - fault: {pause: cache}\n  - fault: {pause: broker}\n  - fault: {pause: broker}\n"
      "checks:\n  - connections: {broker: other, state: blocked}\n");
  EXPECT_EQ(BrokerSampler::brokers_to_sample(scenario), (std::vector<std::string>{"broker", "other"}));
}

}  // namespace
}  // namespace harness::run
