#pragma once
// A private redis-server: 127.0.0.1 only, no persistence, a generated password, repl-diskless-sync-delay 0
// (a replica links in ~0.15 s instead of ~5 s, SERVICES.md). Ready = AUTH + PING answered over hiredis.
#include "harness/driver/driver.h"
#include "harness/driver/local/local_service.h"

namespace harness::driver::local {

class RedisService final : public LocalService {
public:
  static util::Expected<std::unique_ptr<RedisService>> create(const scenario::Service& spec, const RunPaths& paths);

  std::string kind() const override { return "redis"; }
  util::Status start() override;
  ReadyPoll poll_ready() override;
  std::map<std::string, std::string> placeholders() const override;
  std::vector<std::uint16_t> ports() const override { return {m_port}; }

  std::uint16_t port() const { return m_port; }
  const std::string& password() const { return m_password; }
  const std::string& role() const { return m_role; }

private:
  RedisService(std::string name, std::filesystem::path log, std::filesystem::path dir, std::filesystem::path server)
      : LocalService(name, name, std::move(log)), m_dir(std::move(dir)), m_server(std::move(server)) {}

  std::filesystem::path m_dir;
  std::filesystem::path m_server;
  std::string m_password;
  std::string m_role;
  std::uint16_t m_port = 0;
};

}  // namespace harness::driver::local
