#include "harness/net/network.h"

#include <pthread.h>

#include <csignal>

#include <boost/asio/post.hpp>

namespace harness::net {

Network::Network(std::function<void(const ConnectionEvent&)> on_event)
    : m_work(boost::asio::make_work_guard(m_io)), m_on_event(std::move(on_event)) {
  m_thread = std::thread([this] {
    // splice(2) has no MSG_NOSIGNAL: a splice to a socket whose peer is gone (its RST received in CLOSE_WAIT) raises
    // SIGPIPE at this thread, which would end the harness. Blocked here, it stays pending and the splice fails with
    // EPIPE, which ends that connection (asio's own sends pass MSG_NOSIGNAL). The services the harness starts get
    // their signal mask reset (process/child_process.cc), and this thread starts none.
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
    m_io.run();
  });
}

Network::~Network() {
  on_thread([this] {
    for (auto& proxy : m_proxies) proxy->shut_down();
  });
  // With every socket closed and every toxic's wait woken by the close, the thread's work runs out: run() returns
  // once the coroutines have seen their cancelled operations and ended.
  m_work.reset();
  m_thread.join();
  m_proxies.clear();
}

util::Expected<ProxyInfo> Network::add_proxy(ProxySpec spec) {
  return on_thread([this, spec = std::move(spec)]() mutable -> util::Expected<ProxyInfo> {
    for (const auto& proxy : m_proxies)
      if (proxy->spec().name == spec.name && proxy->spec().client == spec.client)
        return util::Status::invalid("proxy '" + spec.name + "' for client '" + spec.client + "' exists already");
    auto proxy = std::make_unique<Proxy>(
        m_io, std::move(spec), [this] { return ++m_next_connection; },
        [this](ConnectionEvent event) {
          if (m_on_event) m_on_event(event);
        });
    auto status = proxy->listen();
    if (!status) return status;
    const auto& s = proxy->spec();
    ProxyInfo info{s.name, s.client, s.listen_port, s.upstream_port, 0, true};
    m_proxies.push_back(std::move(proxy));
    return info;
  });
}

std::vector<ProxyInfo> Network::proxies() const {
  return on_thread([this] {
    std::vector<ProxyInfo> infos;
    for (const auto& proxy : m_proxies) {
      const auto& s = proxy->spec();
      infos.push_back({s.name, s.client, s.listen_port, s.upstream_port, proxy->connections().size(),
                       proxy->listening()});
    }
    return infos;
  });
}

std::vector<Proxy*> Network::select(const ProxySelector& selector) const {
  std::vector<Proxy*> chosen;
  for (const auto& proxy : m_proxies) {
    if (!selector.name.empty() && proxy->spec().name != selector.name) continue;
    if (!selector.client.empty() && proxy->spec().client != selector.client) continue;
    chosen.push_back(proxy.get());
  }
  return chosen;
}

std::string Network::describe(const ProxySelector& selector) {
  std::string text = selector.name.empty() ? "any proxy" : "'" + selector.name + "'";
  if (!selector.client.empty()) text += " for client '" + selector.client + "'";
  return text;
}

util::Status Network::add_toxic(const ProxySelector& selector, const std::string& toxic_name, std::string_view kind,
                                Direction direction, const nlohmann::json& attributes) {
  return on_thread([&]() -> util::Status {
    const auto chosen = select(selector);
    if (chosen.empty()) return util::Status::invalid("no proxy matches " + describe(selector));
    for (Proxy* proxy : chosen)
      if (proxy->toxic(toxic_name))
        return util::Status::invalid("toxic '" + toxic_name + "' is already on proxy '" + proxy->spec().name + "'");
    for (Proxy* proxy : chosen) {
      auto toxic = make_toxic(kind, direction, attributes);
      if (!toxic) return toxic.error();
      auto status = proxy->add_toxic(toxic_name, std::move(*toxic));
      if (!status) return status;
    }
    return util::Status::ok();
  });
}

util::Expected<nlohmann::json> Network::remove_toxic(const ProxySelector& selector, const std::string& toxic_name) {
  return on_thread([&]() -> util::Expected<nlohmann::json> {
    std::vector<nlohmann::json> reports;
    for (Proxy* proxy : select(selector)) {
      if (!proxy->toxic(toxic_name)) continue;
      auto report = proxy->remove_toxic(toxic_name);
      if (!report) return report.error();
      reports.push_back(std::move(*report));
    }
    if (reports.empty())
      return util::Status::invalid("no toxic '" + toxic_name + "' on " + describe(selector));
    return sum_reports(reports);
  });
}

util::Expected<nlohmann::json> Network::toxic_report(const ProxySelector& selector,
                                                     const std::string& toxic_name) const {
  return on_thread([&]() -> util::Expected<nlohmann::json> {
    std::vector<nlohmann::json> reports;
    for (Proxy* proxy : select(selector))
      if (auto toxic = proxy->toxic(toxic_name)) reports.push_back(toxic->report());
    if (reports.empty())
      return util::Status::invalid("no toxic '" + toxic_name + "' on " + describe(selector));
    return sum_reports(reports);
  });
}

}  // namespace harness::net
