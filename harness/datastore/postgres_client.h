#pragma once
// A small synchronous PostgreSQL client over libpq, for the harness's own calls: the local driver's bootstrap
// (roles, the database) and the PostgreSQL faults (DROP DATABASE, pg_database, PQping). The connection lives in a
// unique_ptr with PQfinish, each result in one with PQclear.
#include <libpq-fe.h>

#include <memory>
#include <string>

#include "harness/util/status.h"

namespace harness::datastore {

class PostgresClient {
public:
  // Connects with a libpq conninfo ("host=... port=... dbname=..."); libpq's message (trimmed) on failure.
  static util::Expected<PostgresClient> connect(const std::string& conninfo);
  // A statement with at most one text parameter ($1); its first value (empty for a command or no rows). A
  // failed statement is k_infrastructure with libpq's message.
  util::Expected<std::string> query(const std::string& sql, const std::string* param = nullptr);

private:
  explicit PostgresClient(PGconn* conn) : m_conn(conn, &PQfinish) {}
  std::unique_ptr<PGconn, decltype(&PQfinish)> m_conn;
};

// PQping's answer in words: "ok", "rejecting", "no response", "no attempt".
const char* ping_label(PGPing ping);

// A PostgreSQL identifier, double-quoted (embedded quotes doubled): celery -> "celery", a"b -> "a""b".
std::string quote_identifier(const std::string& name);
// A string literal, single-quoted (embedded quotes doubled): it's -> 'it''s'.
std::string quote_literal(const std::string& text);

}  // namespace harness::datastore
