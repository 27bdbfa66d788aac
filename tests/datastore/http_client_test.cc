// The HTTP client against an in-process server, over TCP on 127.0.0.1 and over a unix socket.
#include "harness/datastore/http_client.h"

#include <gtest/gtest.h>

#include "tests/datastore/http_test_server.h"
#include "tests/process/process_test_util.h"

namespace harness::datastore {
namespace {

using datastore_test::HttpTestServer;
namespace http = boost::beast::http;

// A port on 127.0.0.1 where nothing listens: bound for an instant by the kernel's choice, then released.
std::uint16_t closed_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(
      io, boost::asio::ip::tcp::endpoint(boost::asio::ip::address_v4::loopback(), 0));
  return acceptor.local_endpoint().port();
}

TEST(HttpClientTest, get_returns_the_status_and_json_body) {
  HttpTestServer server([](const auto&) { return HttpTestServer::reply(200, R"({"status":"ok"})"); });
  HttpRequest request;
  request.port = server.port();
  request.target = "/api/health/checks/alarms";
  auto response = http_request(request);
  ASSERT_TRUE(response) << response.error().message();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, R"({"status":"ok"})");
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method(), http::verb::get);
  EXPECT_EQ(seen[0].target(), "/api/health/checks/alarms");
  EXPECT_EQ(seen[0][http::field::host], "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(seen[0][http::field::accept], "application/json");
  EXPECT_EQ(seen[0].count(http::field::authorization), 0u);
}

TEST(HttpClientTest, put_sends_its_json_body_and_basic_auth) {
  HttpTestServer server([](const auto&) { return HttpTestServer::reply(201, ""); });
  HttpRequest request;
  request.method = "PUT";
  request.port = server.port();
  request.target = "/api/policies/%2F/cc";
  request.body = R"({"pattern":"^x$"})";
  request.user = "guest";
  request.password = "secret";
  auto response = http_request(request);
  ASSERT_TRUE(response) << response.error().message();
  EXPECT_EQ(response->status, 201);
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method(), http::verb::put);
  EXPECT_EQ(seen[0].target(), "/api/policies/%2F/cc");
  EXPECT_EQ(seen[0].body(), R"({"pattern":"^x$"})");
  EXPECT_EQ(seen[0][http::field::content_type], "application/json");
  EXPECT_EQ(seen[0][http::field::authorization], "Basic " + base64_encode("guest:secret"));
  EXPECT_EQ(seen[0][http::field::authorization], "Basic Z3Vlc3Q6c2VjcmV0");
}

TEST(HttpClientTest, put_without_body_sends_content_length_zero) {
  HttpTestServer server([](const auto&) { return HttpTestServer::reply(204, ""); });
  HttpRequest request;
  request.method = "PUT";
  request.port = server.port();
  request.target = "/api/vhosts/x";
  auto response = http_request(request);
  ASSERT_TRUE(response) << response.error().message();
  EXPECT_EQ(response->status, 204);
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0][http::field::content_length], "0");
}

TEST(HttpClientTest, chunked_reply_is_decoded) {
  HttpTestServer server([](const auto&) -> std::optional<std::string> {
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
           "5\r\n[{\"a\"\r\n"
           "A\r\n:1},{\"b\":2\r\n"
           "2\r\n}]\r\n"
           "0\r\n\r\n";
  });
  HttpRequest request;
  request.port = server.port();
  request.target = "/api/queues";
  auto response = http_request(request);
  ASSERT_TRUE(response) << response.error().message();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, R"([{"a":1},{"b":2}])");
}

TEST(HttpClientTest, chunked_reply_streams_to_on_body_chunk_and_is_not_kept) {
  HttpTestServer server([](const auto&) -> std::optional<std::string> {
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
           "8\r\n{\"a\":1}\n\r\n"
           "8\r\n{\"b\":2}\n\r\n"
           "0\r\n\r\n";
  });
  HttpRequest request;
  request.method = "POST";
  request.port = server.port();
  request.target = "/images/create";
  request.headers = {{"X-Registry-Auth", "e30="}};
  std::string streamed;
  request.on_body_chunk = [&streamed](std::string_view chunk) { streamed.append(chunk); };
  auto response = http_request(request);
  ASSERT_TRUE(response) << response.error().message();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(streamed, "{\"a\":1}\n{\"b\":2}\n");
  EXPECT_EQ(response->body, "");
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0]["X-Registry-Auth"], "e30=");
}

TEST(HttpClientTest, a_content_length_reply_is_kept_even_with_on_body_chunk) {
  HttpTestServer server([](const auto&) { return HttpTestServer::reply(404, R"({"message":"no such image"})"); });
  HttpRequest request;
  request.port = server.port();
  request.target = "/x";
  std::string streamed;
  request.on_body_chunk = [&streamed](std::string_view chunk) { streamed.append(chunk); };
  auto response = http_request(request);
  ASSERT_TRUE(response) << response.error().message();
  EXPECT_EQ(response->status, 404);
  EXPECT_EQ(response->body, R"({"message":"no such image"})");
  EXPECT_EQ(streamed, "");
}

TEST(HttpClientTest, error_status_is_a_response_not_an_error) {
  HttpTestServer server([](const auto&) { return HttpTestServer::reply(503, R"({"status":"failed"})"); });
  HttpRequest request;
  request.port = server.port();
  request.target = "/x";
  auto response = http_request(request);
  ASSERT_TRUE(response) << response.error().message();
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(response->body, R"({"status":"failed"})");
}

TEST(HttpClientTest, refused_connection_names_host_and_port) {
  HttpRequest request;
  request.port = closed_port();
  request.target = "/api/overview";
  auto response = http_request(request);
  ASSERT_FALSE(response);
  const std::string peer = "127.0.0.1:" + std::to_string(request.port);
  EXPECT_EQ(response.error().message(),
            "GET http://" + peer + "/api/overview: cannot connect to " + peer + ": Connection refused");
  EXPECT_EQ(response.error().kind(), util::ErrorKind::k_infrastructure);
}

TEST(HttpClientTest, server_that_never_answers_times_out_with_how_long) {
  HttpTestServer server([](const auto&) { return std::nullopt; });
  HttpRequest request;
  request.port = server.port();
  request.target = "/slow";
  request.timeout = std::chrono::milliseconds{200};
  auto response = http_request(request);
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().message(), "GET http://127.0.0.1:" + std::to_string(server.port()) +
                                            "/slow: timed out after 200 ms reading the reply");
}

TEST(HttpClientTest, reply_that_is_not_http_is_an_error) {
  HttpTestServer server([](const auto&) -> std::optional<std::string> { return "SSH-2.0-OpenSSH\r\n\r\n"; });
  HttpRequest request;
  request.port = server.port();
  request.target = "/";
  auto response = http_request(request);
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().message(),
            "GET http://127.0.0.1:" + std::to_string(server.port()) + "/: not an HTTP reply (bad version)");
}

TEST(HttpClientTest, unknown_method_is_invalid_input) {
  HttpRequest request;
  request.method = "FETCH";
  request.port = 1;
  request.target = "/";
  auto response = http_request(request);
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().kind(), util::ErrorKind::k_invalid_input);
  EXPECT_EQ(response.error().message(), "FETCH http://127.0.0.1:1/: unknown HTTP method");
}

TEST(HttpClientTest, get_over_unix_socket) {
  process_test::TempPath dir("http-unix");
  std::filesystem::create_directories(dir.path());
  HttpTestServer server(dir.path() / "api.sock",
                        [](const auto&) { return HttpTestServer::reply(200, R"({"ApiVersion":"1.41"})"); });
  HttpRequest request;
  request.unix_socket = dir.path() / "api.sock";
  request.target = "/v1.41/version";
  auto response = http_request(request);
  ASSERT_TRUE(response) << response.error().message();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, R"({"ApiVersion":"1.41"})");
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].target(), "/v1.41/version");
  EXPECT_EQ(server.requests()[0][http::field::host], "localhost");
}

TEST(HttpClientTest, missing_unix_socket_names_its_path) {
  process_test::TempPath dir("http-unix");
  HttpRequest request;
  request.unix_socket = dir.path() / "docker.sock";
  request.target = "/v1.41/info";
  auto response = http_request(request);
  ASSERT_FALSE(response);
  const std::string path = request.unix_socket.string();
  EXPECT_EQ(response.error().message(),
            "GET unix:" + path + " /v1.41/info: cannot connect to " + path + ": No such file or directory");
}

TEST(HttpClientTest, unix_socket_that_never_answers_times_out) {
  process_test::TempPath dir("http-unix");
  std::filesystem::create_directories(dir.path());
  HttpTestServer server(dir.path() / "api.sock", [](const auto&) { return std::nullopt; });
  HttpRequest request;
  request.unix_socket = dir.path() / "api.sock";
  request.target = "/events";
  request.timeout = std::chrono::milliseconds{150};
  auto response = http_request(request);
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().message(),
            "GET unix:" + request.unix_socket.string() + " /events: timed out after 150 ms reading the reply");
}

TEST(HttpClientTest, url_encode_escapes_everything_but_unreserved) {
  EXPECT_EQ(url_encode("/"), "%2F");
  EXPECT_EQ(url_encode("celery.pidbox x"), "celery.pidbox%20x");
  EXPECT_EQ(url_encode("a-b_c~d"), "a-b_c~d");
}

TEST(HttpClientTest, base64_encode_pads) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("a"), "YQ==");
  EXPECT_EQ(base64_encode("ab"), "YWI=");
  EXPECT_EQ(base64_encode("abc"), "YWJj");
}

}  // namespace
}  // namespace harness::datastore
