#pragma once
// The harness's network of fault proxies: one thread running one Boost.Asio io_context, the Proxies on it
// (proxy.h: one per proxied endpoint and client label, each on its own port of 127.0.0.1), and the toxics on
// them. Every method is thread-safe: it runs its work on the Network's thread and waits for it. The destructor
// closes every listener and connection (each recorded as closed by the proxy, "shutdown") and joins the thread.
//
// A selector picks proxies by name and client label; an empty field matches every value, so a toxic added with
// {"broker", ""} acts on every client's proxy of the broker, and {"broker", "worker.1"} on one client's.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "harness/net/connection_event.h"
#include "harness/net/proxy.h"
#include "harness/net/toxic.h"
#include "harness/util/status.h"

namespace harness::net {

struct ProxySelector {
  std::string name;    // empty: every proxy
  std::string client;  // empty: every client label
};

struct ProxyInfo {
  std::string name;
  std::string client;
  std::uint16_t port = 0;           // where clients connect
  std::uint16_t upstream_port = 0;  // the service's port
  std::size_t open_connections = 0;
  bool listening = false;
};

class Network {
public:
  // `on_event` is called on the Network's thread for every connect and close through any proxy; it must be
  // thread-safe towards the rest of the program and must not call back into the Network.
  explicit Network(std::function<void(const ConnectionEvent&)> on_event = {});
  ~Network();
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  // A new proxy, listening when this returns. k_invalid_input "proxy 'broker' for client 'worker.1' exists
  // already" for a second one of the same name and client; the Proxy's own error when it cannot listen.
  util::Expected<ProxyInfo> add_proxy(ProxySpec spec);
  std::vector<ProxyInfo> proxies() const;

  // Adds toxic `toxic_name` of kind `kind` to every proxy the selector picks (a toxic of its own on each).
  // k_invalid_input: "no proxy matches 'broker' for client 'worker.9'", make_toxic's messages, or a name
  // already used on one of them (then it is added to none).
  util::Status add_toxic(const ProxySelector& selector, const std::string& toxic_name, std::string_view kind,
                         Direction direction, const nlohmann::json& attributes = nlohmann::json::object());
  // Removes it from every proxy that has it; its reports summed (sum_reports). k_invalid_input
  // "no toxic 'x' on 'broker'" when none has it.
  util::Expected<nlohmann::json> remove_toxic(const ProxySelector& selector, const std::string& toxic_name);
  // The summed report of a toxic still present; the same error as remove_toxic when none has it.
  util::Expected<nlohmann::json> toxic_report(const ProxySelector& selector, const std::string& toxic_name) const;

private:
  // Runs `work` on the Network's thread and returns what it returns. REQUIRES: not called on that thread.
  template <class Work>
  auto on_thread(Work work) const -> decltype(work()) {
    std::packaged_task<decltype(work())()> task(std::move(work));
    auto result = task.get_future();
    boost::asio::post(m_io, [&task] { task(); });
    return result.get();
  }
  std::vector<Proxy*> select(const ProxySelector& selector) const;  // on the thread
  static std::string describe(const ProxySelector& selector);

  mutable boost::asio::io_context m_io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> m_work;
  std::function<void(const ConnectionEvent&)> m_on_event;
  std::uint64_t m_next_connection = 0;  // on the thread
  std::vector<std::unique_ptr<Proxy>> m_proxies;
  std::thread m_thread;
};

}  // namespace harness::net
