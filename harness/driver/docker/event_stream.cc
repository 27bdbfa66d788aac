#include "harness/driver/docker/event_stream.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cstdio>

#include "harness/datastore/http_client.h"
#include "harness/util/line_buffer.h"

namespace harness::driver::docker {
namespace {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

// The attributes worth keeping: the rest are the container's labels, image and name, known already.
constexpr const char* k_kept_attributes[] = {"exitCode", "signal"};
// What happens to the container's life; not its create/destroy, attach, resize, update, archive reads or execs.
constexpr std::string_view k_kept_actions[] = {"start", "die", "kill", "oom", "stop", "restart", "pause", "unpause"};

bool kept_action(std::string_view action) {
  if (action.starts_with("health_status")) return true;
  for (auto kept : k_kept_actions)
    if (action == kept) return true;
  return false;
}
}  // namespace

std::optional<EngineEvent> parse_engine_event(std::string_view line) {
  const auto json = nlohmann::json::parse(line, nullptr, false);
  if (!json.is_object() || json.value("Type", "") != "container") return std::nullopt;
  EngineEvent event;
  event.action = json.value("Action", "");
  if (!kept_action(event.action)) return std::nullopt;
  if (json.contains("timeNano") && json["timeNano"].is_number())
    event.time_s = json["timeNano"].get<double>() / 1e9;
  else if (json.contains("time") && json["time"].is_number())
    event.time_s = json["time"].get<double>();
  const auto actor = json.find("Actor");
  if (actor != json.end() && actor->is_object() && actor->contains("Attributes") &&
      (*actor)["Attributes"].is_object()) {
    for (const char* key : k_kept_attributes) {
      const auto& attributes = (*actor)["Attributes"];
      if (attributes.contains(key) && attributes[key].is_string()) event.attributes[key] = attributes[key];
    }
  }
  return event;
}

struct EventStream::State {
  asio::io_context io;
  asio::local::stream_protocol::socket socket{io};
  beast::flat_buffer buffer;
  http::request<http::empty_body> request;
  http::response_parser<http::string_body> parser;
  std::function<std::size_t(std::uint64_t, beast::string_view, beast::error_code&)> on_chunk;
  util::LineBuffer lines;  // holds a line not complete yet
  OnEvent on_event;

  void take(std::string_view data) {
    lines.append(data, [this](std::string_view line) {
      if (auto event = parse_engine_event(line)) on_event(std::move(*event));
    });
  }
};

EventStream::EventStream(std::shared_ptr<State> state) : m_state(std::move(state)) {}

util::Expected<std::unique_ptr<EventStream>> EventStream::follow(const Engine& engine, const std::string& container_id,
                                                                 double since, OnEvent on_event) {
  auto state = std::make_shared<State>();
  state->on_event = std::move(on_event);
  beast::error_code ec;
  state->socket.connect(asio::local::stream_protocol::endpoint(engine.socket().string()), ec);
  if (ec) {
    return util::Status::infrastructure("docker: GET /events: cannot connect to " + engine.socket().string() + ": " +
                                        ec.message());
  }
  char since_text[64];
  std::snprintf(since_text, sizeof since_text, "%.9f", since);
  const std::string filters =
      datastore::url_encode(nlohmann::json{{"type", {"container"}}, {"container", {container_id}}}.dump());
  state->request = {http::verb::get, "/v" + engine.api_version() + "/events?since=" + since_text + "&filters=" + filters,
                    11};
  state->request.set(http::field::host, "localhost");
  state->parser.body_limit(boost::none);  // a stream: it never ends on its own
  State* raw = state.get();
  state->on_chunk = [raw](std::uint64_t, beast::string_view data, beast::error_code&) {
    raw->take(std::string_view(data.data(), data.size()));
    return data.size();
  };
  state->parser.on_chunk_body(state->on_chunk);
  http::async_write(state->socket, state->request, [raw](beast::error_code ec, std::size_t) {
    if (ec) return;
    http::async_read(raw->socket, raw->buffer, raw->parser, [](beast::error_code, std::size_t) {});
  });
  std::unique_ptr<EventStream> stream(new EventStream(state));
  stream->m_thread = std::thread([raw] { raw->io.run(); });
  return stream;
}

void EventStream::stop() {
  if (!m_thread.joinable()) return;
  m_state->io.stop();  // thread-safe: io.run() returns, the read is abandoned with the connection
  m_thread.join();
}

EventStream::~EventStream() { stop(); }

}  // namespace harness::driver::docker
