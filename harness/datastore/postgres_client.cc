#include "harness/datastore/postgres_client.h"

namespace harness::datastore {

namespace {

std::string trimmed(const char* message) {
  std::string s = message ? message : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string quoted(const std::string& text, char quote) {
  std::string out(1, quote);
  for (char c : text) {
    if (c == quote) out += quote;
    out += c;
  }
  return out + quote;
}

}  // namespace

util::Expected<PostgresClient> PostgresClient::connect(const std::string& conninfo) {
  PostgresClient client(PQconnectdb(conninfo.c_str()));
  if (PQstatus(client.m_conn.get()) != CONNECTION_OK)
    return util::Status::infrastructure(trimmed(PQerrorMessage(client.m_conn.get())));
  return client;
}

util::Expected<std::string> PostgresClient::query(const std::string& sql, const std::string* param) {
  const char* values[1] = {param ? param->c_str() : nullptr};
  std::unique_ptr<PGresult, decltype(&PQclear)> result(
      PQexecParams(m_conn.get(), sql.c_str(), param ? 1 : 0, nullptr, values, nullptr, nullptr, 0), &PQclear);
  const auto status = PQresultStatus(result.get());
  if (status == PGRES_COMMAND_OK) return std::string{};
  if (status == PGRES_TUPLES_OK) {
    return PQntuples(result.get()) > 0 ? std::string(PQgetvalue(result.get(), 0, 0)) : std::string{};
  }
  return util::Status::infrastructure(trimmed(PQerrorMessage(m_conn.get())));
}

const char* ping_label(PGPing ping) {
  switch (ping) {
    case PQPING_OK: return "ok";
    case PQPING_REJECT: return "rejecting";
    case PQPING_NO_RESPONSE: return "no response";
    case PQPING_NO_ATTEMPT: return "no attempt";
  }
  return "?";
}

std::string quote_identifier(const std::string& name) { return quoted(name, '"'); }

std::string quote_literal(const std::string& text) { return quoted(text, '\''); }

}  // namespace harness::datastore
