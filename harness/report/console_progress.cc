#include "harness/report/console_progress.h"

#include "harness/history/event_type.h"
#include "harness/report/console_text.h"
#include "harness/util/time_format.h"

namespace harness::report {

namespace {
constexpr auto k_redraw_every = std::chrono::seconds{1};
// Carriage return, then "erase to the end of the line" (ECMA-48 EL): the line is blank and the cursor at its start.
constexpr const char* k_erase_line = "\r\x1b[K";
}  // namespace

ConsoleProgress::ConsoleProgress(std::ostream& out, std::function<std::chrono::nanoseconds()> elapsed, bool live)
    : m_out(out), m_elapsed(std::move(elapsed)), m_live(live), m_buf(*this), m_stream(&m_buf) {
  if (m_live) m_ticker = std::thread([this] { run_ticker(); });
}

ConsoleProgress::~ConsoleProgress() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_wake.notify_all();
  if (m_ticker.joinable()) m_ticker.join();
  std::lock_guard lock(m_mutex);
  erase_live_locked();
  m_out.flush();
}

std::string ConsoleProgress::step_line(std::chrono::nanoseconds elapsed, const std::string& title) {
  return "  [" + util::human_duration(elapsed) + "] " + terminal_text(title);
}

void ConsoleProgress::on_event(const history::Event& event) {
  if (!history::is(event, history::EventType::k_step_begin)) return;
  std::string title = event.data.value("title", std::string{});
  if (title.empty()) title = "step " + std::to_string(event.data.value("index", 0));
  std::lock_guard lock(m_mutex);
  m_step = std::move(title);
  if (m_live) return;  // the ticker shows it within a second
  const std::string line = step_line(m_elapsed(), m_step) + "\n";
  write_locked(line.data(), static_cast<std::streamsize>(line.size()));
  m_out.flush();
}

void ConsoleProgress::tick() {
  std::lock_guard lock(m_mutex);
  if (!m_live || m_step.empty() || !m_at_line_start) return;
  m_out << k_erase_line << step_line(m_elapsed(), m_step) << std::flush;
  m_shown = true;
}

void ConsoleProgress::run_ticker() {
  std::unique_lock lock(m_mutex);
  while (!m_stopping) {
    m_wake.wait_for(lock, k_redraw_every);
    if (m_stopping) break;
    lock.unlock();
    tick();
    lock.lock();
  }
}

void ConsoleProgress::erase_live_locked() {
  if (!m_shown) return;
  m_out << k_erase_line;
  m_shown = false;
}

void ConsoleProgress::write_locked(const char* s, std::streamsize n) {
  if (n <= 0) return;
  erase_live_locked();
  m_out.write(s, n);
  m_at_line_start = s[n - 1] == '\n';
}

int ConsoleProgress::EraseFirstBuf::overflow(int c) {
  if (c == traits_type::eof()) return traits_type::not_eof(c);
  const char ch = static_cast<char>(c);
  std::lock_guard lock(m_owner.m_mutex);
  m_owner.write_locked(&ch, 1);
  return c;
}

std::streamsize ConsoleProgress::EraseFirstBuf::xsputn(const char* s, std::streamsize n) {
  std::lock_guard lock(m_owner.m_mutex);
  m_owner.write_locked(s, n);
  return n;
}

int ConsoleProgress::EraseFirstBuf::sync() {
  std::lock_guard lock(m_owner.m_mutex);
  m_owner.m_out.flush();
  return 0;
}

}  // namespace harness::report
