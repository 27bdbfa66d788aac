#pragma once
// The one error policy of the harness (see README "Error policy"):
//  - Expected failures (a service that will not start, a readiness timeout, a bad scenario, a command that
//    cannot be spawned) are values: functions return `Status` or `Expected<T>`.
//  - Only fatal errors (programming errors, out of memory) throw; they are caught once, in cli::main.
//  - A check that does not hold is a verdict (check/verdict.h), not an error.
#include <string>
#include <utility>
#include <variant>

namespace harness::util {

enum class ErrorKind {
  k_invalid_input,   // the user's scenario or command line is wrong: exit code 2
  k_infrastructure,  // a service would not start, a binary is missing: exit code 3
  k_cancelled,       // Ctrl-C, SIGTERM or the scenario's timeout
};

class [[nodiscard]] Status {
public:
  Status() = default;  // OK
  static Status ok() { return Status(); }
  static Status error(ErrorKind kind, std::string message) { return Status(kind, std::move(message)); }
  static Status invalid(std::string message) { return error(ErrorKind::k_invalid_input, std::move(message)); }
  static Status infrastructure(std::string message) { return error(ErrorKind::k_infrastructure, std::move(message)); }
  static Status cancelled(std::string message) { return error(ErrorKind::k_cancelled, std::move(message)); }

  bool is_ok() const { return m_ok; }
  explicit operator bool() const { return m_ok; }
  ErrorKind kind() const { return m_kind; }
  const std::string& message() const { return m_message; }

private:
  Status(ErrorKind kind, std::string message) : m_ok(false), m_kind(kind), m_message(std::move(message)) {}
  bool m_ok = true;
  ErrorKind m_kind = ErrorKind::k_infrastructure;
  std::string m_message;
};

// A value or the Status that explains why there is none. Construct from a T or from a non-OK Status.
template <typename T>
class [[nodiscard]] Expected {
public:
  Expected(T value) : m_data(std::move(value)) {}  // NOLINT: implicit by design
  Expected(Status error) : m_data(std::move(error)) {}  // NOLINT: implicit by design

  bool has_value() const { return std::holds_alternative<T>(m_data); }
  explicit operator bool() const { return has_value(); }
  T& value() & { return std::get<T>(m_data); }
  const T& value() const& { return std::get<T>(m_data); }
  T&& value() && { return std::get<T>(std::move(m_data)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Status& error() const { return std::get<Status>(m_data); }

private:
  std::variant<T, Status> m_data;
};

}  // namespace harness::util
